using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Orchestration.TestHost;
using OrderOps.Storage.Embedded.Orchestrations;

namespace OrderOps.Orchestration.Tests;

/// <summary>The SQLite service's own guarantees: locks that lapse with their process, and bad input refused cleanly.</summary>
public sealed class SqliteOrchestrationServiceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-durable-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_work_item_locked_by_a_process_that_stops_heartbeating_is_taken_over_when_its_lease_lapses()
    {
        // Three seconds: heartbeats every second keep the lease even on a loaded machine.
        using var first = Service(lease: TimeSpan.FromSeconds(3));
        using var second = Service(lease: TimeSpan.FromSeconds(3));
        await first.StartAsync();
        await second.StartAsync();
        await first.CreateTaskOrchestrationAsync(StartMessage("leased"));

        var locked = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("leased", locked?.InstanceId);

        // While the first process lives, the instance is its own: the second gets nothing for a whole poll.
        Assert.Null(await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));

        first.Dispose(); // dies: no heartbeat, no release
        var takenOver = await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal("leased", takenOver?.InstanceId);
        Assert.IsType<ExecutionStartedEvent>(Assert.Single(takenOver!.NewMessages).Event);
    }

    [Fact]
    public async Task An_episode_committed_after_its_lock_was_taken_over_is_refused_and_nothing_of_it_is_written()
    {
        using var first = Service(lease: TimeSpan.FromSeconds(1));
        using var second = Service(lease: TimeSpan.FromSeconds(1));
        await first.StartAsync();
        await first.CreateTaskOrchestrationAsync(StartMessage("stale"));
        var stale = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await first.StopAsync(isForced: true); // hands its locks back; the work item it holds is now stale
        await second.StartAsync();
        Assert.NotNull(await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => first.CompleteTaskOrchestrationWorkItemAsync(
            stale!, stale!.OrchestrationRuntimeState, [], [], [], null,
            new OrchestrationState { OrchestrationStatus = OrchestrationStatus.Completed, OrchestrationInstance = new OrchestrationInstance { InstanceId = "stale" } }));

        Assert.Contains("'stale'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(OrchestrationStatus.Pending, (await second.GetOrchestrationStateAsync("stale", executionId: null))?.OrchestrationStatus);
    }

    [Fact]
    public async Task An_activity_lock_renews_while_held_and_renewing_fails_once_another_process_holds_it()
    {
        using var first = Service(lease: TimeSpan.FromSeconds(3));
        using var second = Service(lease: TimeSpan.FromSeconds(3));
        await first.StartAsync();
        await second.StartAsync();
        await first.CreateTaskOrchestrationAsync(StartMessage("activity"));
        var episode = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var scheduled = new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "activity" },
            Event = new TaskScheduledEvent(0) { Name = nameof(SampleOrchestrations.Chain), Input = "\"k\"" },
        };
        await first.CompleteTaskOrchestrationWorkItemAsync(episode!, episode!.OrchestrationRuntimeState, [scheduled], [], [], null, null);

        var held = await first.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(held);
        var renewed = await first.RenewTaskActivityWorkItemLockAsync(held);
        Assert.True(renewed.LockedUntilUtc > DateTime.UtcNow);
        Assert.Null(await second.LockNextTaskActivityWorkItem(TimeSpan.FromMilliseconds(300), CancellationToken.None));

        await first.StopAsync(isForced: true);
        var taken = await second.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(held.Id, taken?.Id);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => first.RenewTaskActivityWorkItemLockAsync(held));
        Assert.Contains("'activity'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_does_not_wait_for_a_running_activity_and_it_runs_again_on_the_next_start()
    {
        var before = new ActivityRecorder();
        var host = await DurableHost.StartSqliteAsync(_directory, Quick, before);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(SampleOrchestrations.CrashSaga), new CrashInput("stop", TimerSeconds: 1, SlowFirstStep: true), new Microsoft.DurableTask.StartOrchestrationOptions("stop"));
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (before.Begins("stop:a") == 0)
            {
                await Task.Delay(20, patience.Token);
            }
        }

        await host.DisposeAsync();

        // The activity takes four seconds; the host stopped after one, without it.
        Assert.Equal(0, before.Ends("stop:a"));
        var after = new ActivityRecorder();
        await using var restarted = await DurableHost.StartSqliteAsync(_directory, Quick, after);
        Assert.Equal("<stop:a><stop:b>", (await restarted.FinishedAsync("stop")).ReadOutputAs<string>());
        Assert.Equal(1, after.Ends("stop:a"));

        static void Quick(Durable.DurableRuntimeOptions options)
        {
            options.ShutdownTimeout = TimeSpan.FromSeconds(1);
            options.Sqlite.WorkerLeaseDuration = TimeSpan.FromSeconds(3);
        }
    }

    [Fact]
    public async Task A_start_with_an_input_over_the_payload_limit_is_refused_naming_the_instance_and_writes_nothing()
    {
        using var service = Service(maxPayload: 4096);

        var refused = await Assert.ThrowsAsync<OrchestrationPayloadTooLargeException>(
            () => service.CreateTaskOrchestrationAsync(StartMessage("too-big", input: new string('x', 5000))));

        Assert.Contains("'too-big'", refused.Message, StringComparison.Ordinal);
        Assert.Null(await service.GetOrchestrationStateAsync("too-big", executionId: null));
    }

    [Fact]
    public async Task An_output_over_the_payload_limit_fails_that_instance_with_the_reason_and_the_others_go_on()
    {
        await using var host = await DurableHost.StartSqliteAsync(_directory, options => options.Sqlite.MaxPayloadBytes = 4096);

        await host.Client.ScheduleNewOrchestrationInstanceAsync(SampleOrchestrations.BigOutput, 10_000, new Microsoft.DurableTask.StartOrchestrationOptions("big-output"));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Chain), "fine", new Microsoft.DurableTask.StartOrchestrationOptions("fine"));

        var failed = await host.FinishedAsync("big-output");
        var fine = await host.FinishedAsync("fine");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains("'big-output'", failed.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("over the configured payload limit", failed.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, fine.RuntimeStatus);
    }

    [Fact]
    public async Task A_full_store_refuses_the_write_naming_the_instance_writes_nothing_and_recovers_when_space_is_freed()
    {
        using var service = Service(maxPayload: 512 * 1024, maxDatabase: 1024 * 1024);
        var filler = new string('x', 200 * 1024);
        var created = new List<string>();
        OrchestrationStoreException? full = null;
        for (var i = 0; i < 20 && full is null; i++)
        {
            try
            {
                await service.CreateTaskOrchestrationAsync(StartMessage($"fill-{i}", filler));
                created.Add($"fill-{i}");
            }
            catch (OrchestrationStoreException ex)
            {
                full = ex;
                Assert.Contains($"'fill-{i}'", ex.Message, StringComparison.Ordinal);
                Assert.Null(await service.GetOrchestrationStateAsync($"fill-{i}", executionId: null));
            }
        }

        Assert.NotNull(full);
        Assert.Contains("full", full.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(created);

        await service.DeleteAsync();
        await service.CreateTaskOrchestrationAsync(StartMessage("after-cleanup"));
        Assert.Equal(OrchestrationStatus.Pending, (await service.GetOrchestrationStateAsync("after-cleanup", executionId: null))?.OrchestrationStatus);
    }

    [Fact]
    public async Task A_store_locked_by_another_process_refuses_the_write_naming_the_instance_and_works_once_released()
    {
        using var service = Service(busy: TimeSpan.FromSeconds(1));
        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={service.DatabasePath};Pooling=False"))
        {
            await other.OpenAsync();
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN EXCLUSIVE";
            await hold.ExecuteNonQueryAsync();

            var refused = await Assert.ThrowsAsync<OrchestrationStoreException>(() => service.CreateTaskOrchestrationAsync(StartMessage("while-locked")));
            Assert.Contains("'while-locked'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("locked", refused.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Null(await service.GetOrchestrationStateAsync("while-locked", executionId: null));
        await service.CreateTaskOrchestrationAsync(StartMessage("while-locked"));
        Assert.Equal(OrchestrationStatus.Pending, (await service.GetOrchestrationStateAsync("while-locked", executionId: null))?.OrchestrationStatus);
    }

    [Fact]
    public void A_damaged_store_file_is_a_clear_error_naming_the_file()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllBytes(Path.Combine(_directory, "durable.db"), [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31))]);

        var error = Assert.Throws<OrchestrationStoreException>(() => Service());

        Assert.Contains(Path.Combine(_directory, "durable.db"), error.Message, StringComparison.Ordinal);
    }

    private SqliteOrchestrationService Service(TimeSpan? lease = null, int maxPayload = 1024 * 1024, long? maxDatabase = null, TimeSpan? busy = null) =>
        new(new SqliteOrchestrationOptions
        {
            DataDirectory = _directory,
            WorkerLeaseDuration = lease ?? TimeSpan.FromSeconds(15),
            MaxPayloadBytes = maxPayload,
            MaxDatabaseBytes = maxDatabase,
            BusyTimeout = busy ?? TimeSpan.FromSeconds(30),
        }, NullLoggerFactory.Instance);

    private static TaskMessage StartMessage(string instanceId, string? input = null)
    {
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        return new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, input) { Name = nameof(SampleOrchestrations.Chain), Version = string.Empty, OrchestrationInstance = instance },
        };
    }
}
