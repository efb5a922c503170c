using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Orchestration.TestHost;
using OrderOps.Storage.Embedded.Orchestrations;

namespace OrderOps.Orchestration.Tests;

/// <summary>
/// Extended sessions on the SQLite service: an instance whose next message arrives while its session waits resumes
/// in memory (no history read, no replay), and the lock goes back when the session ends.
/// </summary>
public sealed class ExtendedSessionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-sessions-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(5000, 1)] // one run: every activity result reached the waiting session
    [InlineData(0, 4)] // sessions off: the code starts from the top once per episode (start + three results)
    public async Task A_chain_whose_results_arrive_during_its_session_runs_its_code_once_instead_of_replaying(int idleMs, int expectedRuns)
    {
        var recorder = new ActivityRecorder();
        await using var host = await DurableHost.StartSqliteAsync(_directory,
            options => options.Sqlite.ExtendedSessionIdleTimeout = TimeSpan.FromMilliseconds(idleMs), recorder);

        await host.Client.ScheduleNewOrchestrationInstanceAsync(SampleOrchestrations.CountedChain, "s", new StartOrchestrationOptions("counted"));
        var finished = await host.FinishedAsync("counted");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.RuntimeStatus);
        Assert.Equal("<s:1><s:2><s:3>", finished.ReadOutputAs<string>());
        Assert.Equal(expectedRuns, recorder.Begins("run:s"));
    }

    [Fact]
    public async Task An_event_raised_while_the_session_waits_is_applied_in_it_and_the_finished_instance_is_unlocked()
    {
        await using var host = await DurableHost.StartSqliteAsync(_directory,
            options => options.Sqlite.ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(30));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.EventBeforeWait), "e", new StartOrchestrationOptions("evented"));
        await host.Client.WaitForInstanceStartAsync("evented");

        await host.Client.RaiseEventAsync("evented", SampleOrchestrations.Approve, "yes");
        var finished = await host.FinishedAsync("evented");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.RuntimeStatus);
        var service = (SqliteOrchestrationService)host.Services.GetService(typeof(IOrchestrationService))!;
        Assert.Null(await LockOwnerAsync(service, "evented"));
    }

    [Fact]
    public async Task An_idle_session_hands_its_lock_back_so_another_process_can_take_the_instance()
    {
        using var first = Service(TimeSpan.FromMilliseconds(200));
        using var second = Service(TimeSpan.FromMilliseconds(200));
        await first.StartAsync();
        await second.StartAsync();
        await first.CreateTaskOrchestrationAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "idle", ExecutionId = "e1" },
            Event = new DurableTask.Core.History.ExecutionStartedEvent(-1, "\"x\"") { Name = nameof(SampleOrchestrations.EventBeforeWait), Version = string.Empty, OrchestrationInstance = new OrchestrationInstance { InstanceId = "idle", ExecutionId = "e1" } },
        });
        var item = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(item?.Session);
        await first.CompleteTaskOrchestrationWorkItemAsync(item!, item!.OrchestrationRuntimeState, [], [], [], null,
            new OrchestrationState { Name = nameof(SampleOrchestrations.EventBeforeWait), OrchestrationStatus = OrchestrationStatus.Running, OrchestrationInstance = new OrchestrationInstance { InstanceId = "idle", ExecutionId = "e1" } });
        Assert.Equal(first.OwnerId, await LockOwnerAsync(first, "idle"));

        // Nothing arrives: the session gives up after its idle time, and ending it unlocks the instance.
        Assert.Null(await item.Session!.FetchNewOrchestrationMessagesAsync(item));
        await item.Session.EndSessionAsync();
        await first.ReleaseTaskOrchestrationWorkItemAsync(item);

        Assert.Null(await LockOwnerAsync(first, "idle"));
        await first.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "idle", ExecutionId = "e1" },
            Event = new DurableTask.Core.History.EventRaisedEvent(-1, "\"yes\"") { Name = SampleOrchestrations.Approve },
        });
        var taken = await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("idle", taken?.InstanceId);
    }

    private static async Task<string?> LockOwnerAsync(SqliteOrchestrationService service, string instanceId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={service.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT lock_owner FROM instances WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        return await command.ExecuteScalarAsync() as string;
    }

    private SqliteOrchestrationService Service(TimeSpan idle) =>
        new(new SqliteOrchestrationOptions { DataDirectory = _directory, ExtendedSessionIdleTimeout = idle }, NullLoggerFactory.Instance);
}
