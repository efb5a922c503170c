using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Lifecycle;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>
/// What the Azure timer store's design promises beyond the contract (see <see cref="TableTimerStore"/>): the sweep reads
/// only buckets from its marker up to now, a timer landing behind the marker still fires, a moved timer fires once at its
/// new time, and a crash between the writes never loses or doubles a timer. Crashes are real failed requests
/// (<see cref="TableRequestRecorder.Crash"/>), not hand-written rows.
/// </summary>
[NeedsAzureServices]
public sealed partial class AzureTimerStoreDesignTests : IAsyncLifetime
{
    private AzureTimerAndExceptionBackend _backend = null!;

    private DateTimeOffset Now => _backend.Time.GetUtcNow();

    private ITimerStore Timers => _backend.Timers;

    public async Task InitializeAsync() => _backend = await AzureTimerAndExceptionBackend.CreateTablesAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [ContractFact]
    public async Task A_timer_scheduled_into_a_bucket_a_sweep_has_passed_fires_at_the_next_sweep()
    {
        var start = Now;
        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));
        _backend.Time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));
        Assert.True(string.CompareOrdinal(await MarkerAsync(), TimerRows.Bucket(start.AddMinutes(30))) > 0, "the sweeps moved the marker past the bucket used below");

        await Timers.ScheduleAsync(new DueTimer("o1|ship-by|1", "o1", "ship-by", start.AddMinutes(30)), default);
        await Timers.ScheduleAsync(new DueTimer("o2|ship-by|1", "o2", "ship-by", Now.AddMinutes(-1)), default);

        Assert.Equal(["o1|ship-by|1", "o2|ship-by|1"], (await Timers.GetDueAsync(Now, 10, default)).Select(t => t.TimerId));
    }

    [ContractFact]
    public async Task A_timer_scheduled_behind_a_sweep_while_it_moves_the_marker_still_fires()
    {
        var start = Now;
        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));
        _backend.Time.Advance(TimeSpan.FromHours(2));
        var late = new DueTimer("o1|ship-by|1", "o1", "ship-by", start.AddMinutes(30));
        // The sweep's range query has run (and not seen it) when this schedule writes; then the sweep moves the marker.
        _backend.Requests.RunBefore(r => r.IsWrite && r.Addresses(SweepMarker.Partition), () => Timers.ScheduleAsync(late, default));

        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));

        Assert.Equal([late], await Timers.GetDueAsync(Now, 10, default));
    }

    [ContractFact]
    public async Task A_timer_moved_to_another_bucket_fires_once_at_its_new_time_only()
    {
        var start = Now;
        await Timers.ScheduleAsync(new DueTimer("o1|ack|1", "o1", "ack", start.AddMinutes(5)), default);
        await Timers.ScheduleAsync(new DueTimer("o1|ack|1", "o1", "ack", start.AddHours(3)), default);
        await Timers.ScheduleAsync(new DueTimer("o2|ack|1", "o2", "ack", start.AddHours(3)), default);
        await Timers.ScheduleAsync(new DueTimer("o2|ack|1", "o2", "ack", start.AddMinutes(5)), default);

        // Each bucket holds only the timer that moved into it: the rows they moved out of are gone.
        Assert.Equal(["o2|ack|1"], (await RowsInBucketAsync(start.AddMinutes(5))).Select(r => r.GetString("TimerId")));
        Assert.Equal(["o1|ack|1"], (await RowsInBucketAsync(start.AddHours(3))).Select(r => r.GetString("TimerId")));

        _backend.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["o2|ack|1"], await SweepAsync());
        _backend.Time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(["o1|ack|1"], await SweepAsync());
        Assert.Empty(await SweepAsync());
    }

    [ContractFact]
    public async Task A_sweep_reads_only_the_buckets_from_its_marker_to_now()
    {
        var start = Now;
        for (var hour = 1; hour <= 48; hour++)
        {
            await Timers.ScheduleAsync(new DueTimer($"o{hour}|ship-by|1", $"o{hour}", "ship-by", start.AddHours(hour)), default);
        }

        for (var sweep = 1; sweep <= 16; sweep++)
        {
            _backend.Time.Advance(TimeSpan.FromMinutes(15));
            _backend.Requests.Clear();
            var due = await Timers.GetDueAsync(Now, 500, default);

            var requests = _backend.Requests.Requests;
            var query = Assert.Single(requests, r => r.IsQuery);
            Assert.Equal(due.Count, query.EntitiesReturned); // no row of a future bucket was read
            var (from, until) = QueriedBuckets(query);
            Assert.Equal(TimerRows.Bucket(Now), until);
            if (sweep > 1)
            {
                // From the marker, which trails now by MarkerLag (plus the 15 minutes since the last sweep), not from the start.
                Assert.True(string.CompareOrdinal(from, TimerRows.Bucket(Now - TableTimerStore.MarkerLag - TimeSpan.FromMinutes(15))) >= 0, $"sweep {sweep} read from bucket {from}");
            }

            Assert.True(requests.Count <= 3 + due.Count, $"sweep {sweep}: {requests.Count} requests for {due.Count} due timers");
            var previous = Now.AddMinutes(-15);
            Assert.Equal(Enumerable.Range(1, 48).Where(h => start.AddHours(h) > previous && start.AddHours(h) <= Now).Select(h => $"o{h}|ship-by|1"), due.Select(t => t.TimerId));
            foreach (var timer in due)
            {
                await Timers.CancelAsync(timer.TimerId, default); // fired, as the sweeper does
            }
        }
    }

    [ContractFact]
    public async Task A_schedule_that_crashed_before_its_commit_leaves_no_timer()
    {
        _backend.Requests.Crash = r => r.IsWrite && r.Addresses("id|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Timers.ScheduleAsync(new DueTimer("o1|ack|1", "o1", "ack", Now.AddMinutes(5)), default));

        Assert.Single(await RowsInBucketAsync(Now.AddMinutes(5))); // the crash left its due row behind
        Assert.Empty(await Timers.GetDueAsync(Now.AddDays(1), 10, default));
        Assert.Empty(await Timers.ListForOrderAsync("o1", default));
    }

    [ContractFact]
    public async Task A_move_that_crashed_before_its_commit_keeps_the_old_schedule()
    {
        var timer = new DueTimer("o1|ack|1", "o1", "ack", Now.AddMinutes(5));
        await Timers.ScheduleAsync(timer, default);
        _backend.Requests.Crash = r => r.IsWrite && r.Addresses("id|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Timers.ScheduleAsync(timer with { DueAt = Now.AddHours(3) }, default));

        Assert.Equal([timer], await Timers.ListForOrderAsync("o1", default));
        _backend.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["o1|ack|1"], await SweepAsync());
        _backend.Time.Advance(TimeSpan.FromHours(3));
        Assert.Empty(await SweepAsync());
    }

    [ContractFact]
    public async Task A_move_that_crashed_after_its_commit_fires_only_at_the_new_time()
    {
        var timer = new DueTimer("o1|ack|1", "o1", "ack", Now.AddMinutes(5));
        await Timers.ScheduleAsync(timer, default);
        _backend.Requests.Crash = r => r.Method == "DELETE" && r.Addresses("due|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Timers.ScheduleAsync(timer with { DueAt = Now.AddHours(3) }, default));

        Assert.Single(await RowsInBucketAsync(Now.AddMinutes(5))); // the old due row was not removed
        Assert.Equal([timer with { DueAt = Now.AddHours(3) }], await Timers.ListForOrderAsync("o1", default));
        _backend.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await SweepAsync());
        _backend.Time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(["o1|ack|1"], await SweepAsync());
        Assert.Empty(await SweepAsync());
    }

    [ContractFact]
    public async Task A_cancel_that_crashed_after_its_commit_leaves_nothing_due_or_listed()
    {
        await Timers.ScheduleAsync(new DueTimer("o1|ack|1", "o1", "ack", Now.AddMinutes(5)), default);
        _backend.Requests.Crash = r => r.Method == "DELETE" && r.Addresses("due|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Timers.CancelAsync("o1|ack|1", default));

        Assert.Empty(await Timers.GetDueAsync(Now.AddDays(1), 10, default));
        Assert.Empty(await Timers.ListForOrderAsync("o1", default));
    }

    [ContractFact]
    public async Task A_row_left_by_a_crash_holds_the_marker_back_until_it_is_abandoned_then_is_deleted()
    {
        var start = Now;
        _backend.Requests.Crash = r => r.IsWrite && r.Addresses("id|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Timers.ScheduleAsync(new DueTimer("o1|ack|1", "o1", "ack", start.AddMinutes(5)), default));

        _backend.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));
        Assert.Single(await RowsInBucketAsync(start.AddMinutes(5))); // young: perhaps a schedule still about to commit
        Assert.Equal(TimerRows.Bucket(start.AddMinutes(5)), await MarkerAsync());

        _backend.Time.Advance(TableTimerStore.AbandonedAfter);
        Assert.Empty(await Timers.GetDueAsync(Now, 10, default));
        Assert.Empty(await RowsInBucketAsync(start.AddMinutes(5)));
        Assert.Equal(TimerRows.Bucket(Now - TableTimerStore.MarkerLag), await MarkerAsync());
    }

    /// <summary>What the SweepTimers function does: send each due timer as a lifecycle message, then cancel it.</summary>
    private async Task<List<string>> SweepAsync()
    {
        var queue = new RecordingQueue();
        await new TimerSweeper(Timers, queue, _backend.Time).SweepAsync(default);
        return queue.Sent.Select(m => m.MessageId["timer:".Length..]).ToList();
    }

    private async Task<List<TableEntity>> RowsInBucketAsync(DateTimeOffset at)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _backend.TimerTable.QueryAsync<TableEntity>(e => e.PartitionKey == TimerRows.DuePartition(TimerRows.Bucket(at))))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<string?> MarkerAsync()
    {
        var row = await _backend.TimerTable.GetEntityIfExistsAsync<TableEntity>(SweepMarker.Partition, SweepMarker.Row);
        return row.HasValue ? row.Value!.GetString("Bucket") : null;
    }

    private static (string From, string Until) QueriedBuckets(TableRequest query)
    {
        var match = QueryRange().Match(query.PathAndQuery);
        Assert.True(match.Success, query.PathAndQuery);
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    [GeneratedRegex(@"PartitionKey ge 'due\|(\d*)' and PartitionKey le 'due\|(\d+)'")]
    private static partial Regex QueryRange();

    private sealed class RecordingQueue : IMessageQueue
    {
        public ConcurrentQueue<QueueMessage> Sent { get; } = new();

        public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
        {
            Sent.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
