using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using OrderOps.Orchestration.TestHost;

namespace OrderOps.Orchestration.Tests;

/// <summary>
/// What every orchestration backend must do with the app's (isolated-worker style) orchestrators. Each backend's
/// subclass supplies a running host; every test uses instance ids of its own.
/// </summary>
public abstract class OrchestrationContractTests(OrchestrationHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private DurableTaskClient Client => fixture.Client;

    [ContractFact]
    public async Task An_activity_chain_runs_its_steps_in_order()
    {
        var id = NewId("chain");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Chain), id, Start(id));

        var done = await CompletedAsync(id);

        Assert.Equal($"<{id}:1><{id}:2><{id}:3>", done.ReadOutputAs<string>());
        Assert.All(new[] { 1, 2, 3 }, step => Assert.True(fixture.Recorder.Ends($"{id}:{step}") >= 1));
    }

    [ContractFact]
    public async Task Fan_out_fan_in_gathers_every_result()
    {
        var id = NewId("fan");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.FanOutFanIn), 10, Start(id));

        Assert.Equal(385, (await CompletedAsync(id)).ReadOutputAs<int>());
    }

    [ContractFact]
    public async Task A_durable_timer_wins_the_race_when_no_event_comes()
    {
        var id = NewId("timeout");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.TimerRace), new RaceInput(1), Start(id));

        Assert.Equal("timed out", (await CompletedAsync(id)).ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task An_external_event_wins_the_race_against_a_long_timer()
    {
        var id = NewId("approved");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.TimerRace), new RaceInput(600), Start(id));
        await Client.WaitForInstanceStartAsync(id);
        await Client.RaiseEventAsync(id, SampleOrchestrations.Approve, "ops");

        // Completing at all proves it: the timer alone would take ten minutes, past the patience of the wait.
        Assert.Equal("approved by ops", (await CompletedAsync(id)).ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task An_event_raised_before_the_orchestration_waits_for_it_is_kept()
    {
        var id = NewId("early");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.EventBeforeWait), id, Start(id));

        // Raised once the instance runs (while its first activity is under way): DurableTask.AzureStorage drops an
        // event that reaches an instance before its start was processed, so OrderLifecycleClient waits for the start too.
        await Client.WaitForInstanceStartAsync(id);
        await Client.RaiseEventAsync(id, SampleOrchestrations.Approve, "go");

        Assert.Equal($"<{id}:before> then go", (await CompletedAsync(id)).ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task ContinueAsNew_carries_the_state_into_the_next_generation()
    {
        var id = NewId("counter");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Counter), new CounterState(0, 5, 0), Start(id));

        var done = await CompletedAsync(id);

        Assert.Equal(0 + 1 + 2 + 3 + 4, done.ReadOutputAs<int>());
        Assert.Equal(5, done.ReadInputAs<CounterState>()!.Generation);
    }

    [ContractFact]
    public async Task Sub_orchestrations_run_and_return_to_their_parent()
    {
        var id = NewId("parent");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Parent), "p", Start(id));

        var done = await CompletedAsync(id);

        Assert.Equal("<p-a:1><p-a:2><p-a:3> + <p-b:1><p-b:2><p-b:3>", done.ReadOutputAs<string>());
        var child = await Client.GetInstanceAsync($"{id}-child-a", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child?.RuntimeStatus);
    }

    [ContractFact]
    public async Task A_terminated_instance_stops_with_the_reason_as_output()
    {
        var id = NewId("terminate");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.StatusReporter), id, Start(id));
        await Client.WaitForInstanceStartAsync(id);
        await Client.TerminateInstanceAsync(id, "operator stop");

        var done = await FinishedAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("operator stop", done.ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task A_failing_activity_is_retried_by_policy_and_a_final_failure_reaches_the_orchestrator()
    {
        var id = NewId("retry");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Retrying), id, Start(id));

        var output = (await CompletedAsync(id)).ReadOutputAs<string>()!;

        Assert.StartsWith($"ok after 3: {id}; caught ", output, StringComparison.Ordinal);
        Assert.Contains($"always fails: {id}", output, StringComparison.Ordinal);
        Assert.Equal(3, fixture.Recorder.Attempts(id));
    }

    [ContractFact]
    public async Task An_unhandled_activity_failure_fails_the_instance_with_its_details()
    {
        var id = NewId("fails");
        await Client.ScheduleNewOrchestrationInstanceAsync(SampleOrchestrations.FailsUnhandled, id, Start(id));

        var done = await FinishedAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains($"always fails: {id}", done.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task Custom_status_is_visible_while_running_and_after_completion()
    {
        var id = NewId("status");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.StatusReporter), id, Start(id));

        var waiting = await UntilAsync(id, m => m.SerializedCustomStatus?.Contains("waiting", StringComparison.Ordinal) == true);
        await Client.RaiseEventAsync(id, SampleOrchestrations.Approve, "yes");
        var done = await CompletedAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Contains("approved", done.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Equal("yes", done.ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task Purge_deletes_a_finished_instance_and_refuses_a_running_one()
    {
        var finished = NewId("purged");
        var running = NewId("running");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Chain), finished, Start(finished));
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.StatusReporter), running, Start(running));
        await CompletedAsync(finished);
        await Client.WaitForInstanceStartAsync(running);

        var purged = await Client.PurgeInstanceAsync(finished);

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(finished));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.PurgeInstanceAsync(running));
        await Client.TerminateInstanceAsync(running, "cleanup");
    }

    [ContractFact]
    public async Task Starting_an_instance_id_that_is_running_is_refused_and_a_finished_one_is_reused()
    {
        var id = NewId("dupe");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.StatusReporter), "first", Start(id));
        await Client.WaitForInstanceStartAsync(id);

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(
            () => Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.StatusReporter), "second", Start(id)));
        await Client.RaiseEventAsync(id, SampleOrchestrations.Approve, "one");
        Assert.Equal("one", (await CompletedAsync(id)).ReadOutputAs<string>());

        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.Chain), id, Start(id));
        Assert.Equal($"<{id}:1><{id}:2><{id}:3>", (await CompletedAsync(id)).ReadOutputAs<string>());
    }

    [ContractFact]
    public async Task An_unknown_orchestrator_name_is_a_clear_error_naming_the_instance()
    {
        var id = NewId("unknown");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", id, Start(id)));
        Assert.Contains(id, refused.Message, StringComparison.Ordinal);
        Assert.Null(await Client.GetInstanceAsync(id));

        // Named by a parent (the client cannot check that): the child fails at once, the parent with it.
        var parent = NewId("unknown-parent");
        await Client.ScheduleNewOrchestrationInstanceAsync(SampleOrchestrations.ParentOfUnknown, "x", Start(parent));
        var failed = await FinishedAsync(parent);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.True(failed.FailureDetails?.ToString()?.Contains("'NoSuchOrchestrator', which is not registered", StringComparison.Ordinal), failed.FailureDetails?.ToString() + failed.FailureDetails?.StackTrace);
    }

    [ContractFact]
    public async Task Waiting_for_an_instance_that_does_not_exist_is_an_error_not_a_hang()
    {
        var id = NewId("missing");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FinishedAsync(id));

        Assert.Contains(id, error.Message, StringComparison.Ordinal);
    }

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static StartOrchestrationOptions Start(string instanceId) => new(InstanceId: instanceId);

    private async Task<OrchestrationMetadata> CompletedAsync(string instanceId)
    {
        var done = await FinishedAsync(instanceId);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instanceId} is {done.RuntimeStatus}: {done.FailureDetails}");
        return done;
    }

    private async Task<OrchestrationMetadata> FinishedAsync(string instanceId)
    {
        using var patience = new CancellationTokenSource(Patience);
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, patience.Token);
    }

    private async Task<OrchestrationMetadata> UntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, patience.Token) is { } metadata && condition(metadata))
            {
                return metadata;
            }

            await Task.Delay(50, patience.Token);
        }
    }
}
