using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Lifecycle;

/// <summary>
/// Due timers in one Table, partitioned so that the sweep reads only due buckets.
/// <list type="bullet">
/// <item><c>due|{yyyyMMddHHmm}</c> / <c>{due UTC ticks:D19}|{timer id}</c>: the timer in the UTC minute it is due. Table
/// storage returns rows in (PartitionKey, RowKey) order, which here is due order.</item>
/// <item><c>id|{timer id}</c> / <c>timer</c>: the current row — the timer's schedule and which due row is its own.
/// Writing it is what makes a schedule count.</item>
/// <item><c>order|{order id}</c> / <c>{timer id}</c>: the order's timers, so listing them is one partition query.</item>
/// <item><c>sweep</c> / <c>oldest-open-bucket</c>: where the sweep starts (<see cref="SweepMarker"/>).</item>
/// </list>
/// Ids are escaped with <see cref="TableKeys.Escape"/>. Minute buckets: an empty bucket is no partition at all, so a
/// range over many of them costs only the rows it finds, and small buckets keep each partition's write load small.
/// <para>
/// <b>Sweep.</b> <see cref="GetDueAsync"/> runs one range query, <c>PartitionKey</c> from the marker's bucket to now's
/// bucket and <c>RowKey</c> up to now's ticks: it touches only buckets at or before now that still hold rows (a fired
/// timer's rows are deleted by <see cref="CancelAsync"/>), never the future ones and never the other partitions. Each due
/// row counts only if the timer's current row points at it (one point read per due row). The marker then moves forward
/// to the first bucket still holding a row, but never past now − <see cref="MarkerLag"/>.
/// </para>
/// <para>
/// <b>Past buckets.</b> A timer due before its scheduler's now + <see cref="MarkerLag"/> (including one already
/// overdue) may land in a bucket a sweep has passed, so its schedule lowers or touches the marker after writing the due
/// row (see <see cref="SweepMarker"/>): the next sweep finds it. Later timers do not write the marker (it is one row, and
/// most timers are hours or days away); no sweep passes them unless the instances' clocks differ by more than twice
/// <see cref="MarkerLag"/>.
/// </para>
/// <para>
/// <b>Crashes.</b> Table storage has no transactions across partitions, so every write is ordered so that a crash
/// leaves at worst rows the reads ignore. Schedule: order row, due row, marker, then the current row (the commit),
/// then the previous due row is deleted when the timer moved. Cancel: the current row first, then the due and order
/// rows. Reads trust a due or order row only through the current row, so a crash before the commit leaves the old
/// schedule in force, and one after it leaves a stale row — never a lost or doubled timer. Rows nothing points at are
/// deleted by the reads once older than <see cref="AbandonedAfter"/> (younger ones may belong to a schedule in flight;
/// a schedule stalled longer than that between its due row and its commit would lose its due row, which the SDK's
/// timeouts and the Functions execution limit rule out).
/// Concurrent schedule and cancel of one timer id are not serialised; the lifecycle never does both for a timer it
/// still waits for (ids carry a generation), and a timer firing for a stale generation is ignored by the engine.
/// </para>
/// </summary>
public sealed class TableTimerStore(TableClient table, TimeProvider time) : ITimerStore
{
    /// <summary>How far behind now the marker stays, and how soon-due a schedule must be to touch it: tolerated clock difference / 2.</summary>
    public static readonly TimeSpan MarkerLag = TimeSpan.FromMinutes(10);

    /// <summary>When a row nothing points at is garbage rather than a write still in flight.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private const int MaxDue = 10_000;

    private readonly SweepMarker _marker = new(table);

    public async Task ScheduleAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var previous = await ReadCurrentAsync(timer.TimerId, cancellationToken);
        var now = time.GetUtcNow();
        var due = TimerRows.Due(timer, now);
        await table.UpsertEntityAsync(TimerRows.Order(timer, now), TableUpdateMode.Replace, cancellationToken);
        await table.UpsertEntityAsync(due, TableUpdateMode.Replace, cancellationToken);
        var bucket = TimerRows.Bucket(timer.DueAt);
        if (string.CompareOrdinal(bucket, TimerRows.Bucket(now + MarkerLag)) <= 0)
        {
            await _marker.CoverAsync(bucket, cancellationToken);
        }

        await table.UpsertEntityAsync(TimerRows.Current(timer, now), TableUpdateMode.Replace, cancellationToken);

        if (previous is null)
        {
            return;
        }

        if (!TimerRows.IsWhereCurrentPoints(due, previous))
        {
            await DeleteAsync(previous.GetString(TimerRows.DuePartitionKey), previous.GetString(TimerRows.DueRowKey), ETag.All, cancellationToken);
        }

        if (previous.GetString(TimerRows.OrderId) != timer.OrderId)
        {
            await DeleteAsync(TimerRows.OrderPartition(previous.GetString(TimerRows.OrderId)), TimerRows.OrderRow(timer.TimerId), ETag.All, cancellationToken);
        }
    }

    public async Task CancelAsync(string timerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerId);
        var current = await ReadCurrentAsync(timerId, cancellationToken);
        if (current is null)
        {
            return;
        }

        await DeleteAsync(current.PartitionKey, current.RowKey, ETag.All, cancellationToken);
        await DeleteAsync(current.GetString(TimerRows.DuePartitionKey), current.GetString(TimerRows.DueRowKey), ETag.All, cancellationToken);
        await DeleteAsync(TimerRows.OrderPartition(current.GetString(TimerRows.OrderId)), TimerRows.OrderRow(timerId), ETag.All, cancellationToken);
    }

    public async Task<IReadOnlyList<DueTimer>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        max = Math.Clamp(max, 1, MaxDue);
        var marker = await _marker.ReadAsync(cancellationToken);
        var until = TimerRows.Bucket(now);
        var filter = $"PartitionKey ge {TableKeys.Literal(TimerRows.DuePartition(marker.From))}"
            + $" and PartitionKey le {TableKeys.Literal(TimerRows.DuePartition(until))}"
            + $" and RowKey lt {TableKeys.Literal(TimerRows.Ticks(now.UtcTicks + 1))}";
        var due = new List<DueTimer>();
        var clock = time.GetUtcNow();
        string? firstHeld = null; // the first bucket a row is left in
        var wantMore = true;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken).AsPages())
        {
            var rows = page.Values;
            var currents = await Task.WhenAll(rows.Select(row => ReadCurrentAsync(row.GetString(TimerRows.TimerId), cancellationToken)));
            for (var i = 0; i < rows.Count && wantMore; i++)
            {
                if (TimerRows.IsWhereCurrentPoints(rows[i], currents[i]))
                {
                    firstHeld ??= rows[i].PartitionKey;
                    due.Add(TimerRows.ToTimer(currents[i]!));
                    wantMore = due.Count < max;
                }
                else if (TimerRows.IsAbandoned(rows[i], clock, AbandonedAfter))
                {
                    await DeleteAsync(rows[i].PartitionKey, rows[i].RowKey, rows[i].ETag, cancellationToken);
                }
                else
                {
                    firstHeld ??= rows[i].PartitionKey; // perhaps a schedule about to commit: keep the marker before it
                }
            }

            if (!wantMore)
            {
                break;
            }
        }

        // All rows up to now were read unless the batch filled up; then the marker stays at the first one still held.
        var reached = firstHeld?[TimerRows.DuePrefix.Length..] ?? until;
        var floor = TimerRows.Bucket(now - MarkerLag);
        await _marker.TryAdvanceAsync(marker, string.CompareOrdinal(reached, floor) < 0 ? reached : floor, cancellationToken);
        return due;
    }

    public async Task<IReadOnlyList<DueTimer>> ListForOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderId);
        var filter = $"PartitionKey eq {TableKeys.Literal(TimerRows.OrderPartition(orderId))}";
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var currents = await Task.WhenAll(rows.Select(row => ReadCurrentAsync(row.GetString(TimerRows.TimerId), cancellationToken)));
        var timers = new List<DueTimer>();
        var clock = time.GetUtcNow();
        for (var i = 0; i < rows.Count; i++)
        {
            if (currents[i] is { } current && current.GetString(TimerRows.OrderId) == orderId)
            {
                timers.Add(TimerRows.ToTimer(current));
            }
            else if (TimerRows.IsAbandoned(rows[i], clock, AbandonedAfter))
            {
                await DeleteAsync(rows[i].PartitionKey, rows[i].RowKey, rows[i].ETag, cancellationToken);
            }
        }

        return timers.OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal).ToList();
    }

    private async Task<TableEntity?> ReadCurrentAsync(string timerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TimerRows.CurrentPartition(timerId), TimerRows.CurrentRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Deletes a row unless it is already gone or (with an ETag) was rewritten since it was read.</summary>
    private async Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }
}
