using Microsoft.DurableTask;

namespace OrderOps.Orchestration.TestHost;

public sealed record RaceInput(int TimeoutSeconds);

public sealed record CounterState(int Generation, int Target, int Sum);

public sealed record CrashInput(string Key, int TimerSeconds, bool SlowFirstStep);

/// <summary>
/// The orchestrations the contract tests run on every backend, written the isolated-worker way
/// (<see cref="TaskOrchestrationContext"/>) and registered with lambdas and declared input types.
/// </summary>
public static class SampleOrchestrations
{
    public const string Approve = "approve";

    // Orchestrators and activities registered as lambdas only (no method of that name).
    public const string ParentOfUnknown = nameof(ParentOfUnknown);
    public const string FailsUnhandled = nameof(FailsUnhandled);
    public const string BigOutput = nameof(BigOutput);
    public const string SlowRecord = nameof(SlowRecord);
    public const string Square = nameof(Square);
    public const string CountedChain = nameof(CountedChain);
    public const string Flaky = nameof(Flaky);
    public const string AlwaysFails = nameof(AlwaysFails);

    public static DurableTaskRegistry AddSamples(this DurableTaskRegistry registry, ActivityRecorder recorder) => registry
        .AddOrchestratorFunc<string, string>(nameof(Chain), (context, input) => Chain(context, input))
        // Chain, counting how often its code starts from the top (each replay does): "run:{input}" in the recorder.
        .AddOrchestratorFunc<string, string>(CountedChain, (context, input) =>
        {
            recorder.Begin("run:" + input);
            return Chain(context, input);
        })
        .AddOrchestratorFunc<int, int>(nameof(FanOutFanIn), (context, input) => FanOutFanIn(context, input))
        .AddOrchestratorFunc<RaceInput, string>(nameof(TimerRace), (context, input) => TimerRace(context, input))
        .AddOrchestratorFunc<string, string>(nameof(EventBeforeWait), (context, input) => EventBeforeWait(context, input))
        .AddOrchestratorFunc<CounterState, int>(nameof(Counter), (context, input) => Counter(context, input))
        .AddOrchestratorFunc<string, string>(nameof(Parent), (context, input) => Parent(context, input))
        .AddOrchestratorFunc<string, string>(ParentOfUnknown, (context, input) => context.CallSubOrchestratorAsync<string>("NoSuchOrchestrator", input))
        .AddOrchestratorFunc<string, string>(nameof(Retrying), (context, input) => Retrying(context, input))
        .AddOrchestratorFunc<string, string>(FailsUnhandled, (context, input) => context.CallActivityAsync<string>(AlwaysFails, input))
        .AddOrchestratorFunc<string, string>(nameof(StatusReporter), (context, input) => StatusReporter(context, input))
        .AddOrchestratorFunc<int, string>(BigOutput, (_, size) => Task.FromResult(new string('x', size)))
        .AddOrchestratorFunc<CrashInput, string>(nameof(CrashSaga), (context, input) => CrashSaga(context, input))
        .AddActivityFunc<string, string>(nameof(Record), (_, key) => Record(recorder, key))
        .AddActivityFunc<string, string>(SlowRecord, async (_, key) =>
        {
            recorder.Begin(key);
            await Task.Delay(TimeSpan.FromSeconds(4));
            return Record(recorder, key);
        })
        .AddActivityFunc<int, int>(Square, (_, n) => n * n)
        .AddActivityFunc<string, string>(Flaky, (_, key) => FailTwice(recorder, key))
        .AddActivityFunc<string, string>(AlwaysFails, (_, key) => Fail(key));

    private static string FailTwice(ActivityRecorder recorder, string key) =>
        recorder.Attempt(key) < 3 ? throw new InvalidOperationException($"flaky {key}") : $"ok after 3: {key}";

    private static string Fail(string key) => throw new InvalidOperationException($"always fails: {key}");

    private static string Record(ActivityRecorder recorder, string key)
    {
        recorder.End(key);
        return $"<{key}>";
    }

    public static async Task<string> Chain(TaskOrchestrationContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(Record), $"{input}:1");
        var b = await context.CallActivityAsync<string>(nameof(Record), $"{input}:2");
        var c = await context.CallActivityAsync<string>(nameof(Record), $"{input}:3");
        return a + b + c;
    }

    public static async Task<int> FanOutFanIn(TaskOrchestrationContext context, int count)
    {
        var squares = Enumerable.Range(1, count).Select(n => context.CallActivityAsync<int>(Square, n));
        return (await Task.WhenAll(squares)).Sum();
    }

    public static async Task<string> TimerRace(TaskOrchestrationContext context, RaceInput input)
    {
        using var cancel = new CancellationTokenSource();
        var timeout = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.TimeoutSeconds), cancel.Token);
        var approval = context.WaitForExternalEvent<string>(Approve);
        if (await Task.WhenAny(timeout, approval) == approval)
        {
            // Cancel, not CancelAsync: orchestrator code must not await work scheduled outside its own context.
#pragma warning disable CA1849
            cancel.Cancel();
#pragma warning restore CA1849
            return $"approved by {approval.Result}";
        }

        return "timed out";
    }

    /// <summary>Calls an activity first, so an event raised right after the start arrives before the wait.</summary>
    public static async Task<string> EventBeforeWait(TaskOrchestrationContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(Record), $"{input}:before");
        var approval = await context.WaitForExternalEvent<string>(Approve);
        return $"{first} then {approval}";
    }

    public static Task<int> Counter(TaskOrchestrationContext context, CounterState state)
    {
        if (state.Generation < state.Target)
        {
            context.ContinueAsNew(state with { Generation = state.Generation + 1, Sum = state.Sum + state.Generation });
            return Task.FromResult(-1);
        }

        return Task.FromResult(state.Sum);
    }

    public static async Task<string> Parent(TaskOrchestrationContext context, string input)
    {
        var first = context.CallSubOrchestratorAsync<string>(nameof(Chain), $"{input}-a", new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-child-a" });
        var second = context.CallSubOrchestratorAsync<string>(nameof(Chain), $"{input}-b");
        return string.Join(" + ", await Task.WhenAll(first, second));
    }

    public static async Task<string> Retrying(TaskOrchestrationContext context, string input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(100)));
        var recovered = await context.CallActivityAsync<string>(Flaky, input, retry);
        try
        {
            await context.CallActivityAsync<string>(AlwaysFails, input, retry);
            return "unexpected success";
        }
        catch (TaskFailedException ex)
        {
            return $"{recovered}; caught {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
        }
    }

    public static async Task<string> StatusReporter(TaskOrchestrationContext context, string input)
    {
        context.SetCustomStatus(new { stage = "waiting", input });
        var approval = await context.WaitForExternalEvent<string>(Approve);
        context.SetCustomStatus(new { stage = "approved", input });
        return approval;
    }

    /// <summary>The crash test's saga: an activity (slow for some), a durable timer, another activity.</summary>
    public static async Task<string> CrashSaga(TaskOrchestrationContext context, CrashInput input)
    {
        var first = await context.CallActivityAsync<string>(input.SlowFirstStep ? SlowRecord : nameof(Record), $"{input.Key}:a");
        await context.CreateTimer(TimeSpan.FromSeconds(input.TimerSeconds), CancellationToken.None);
        var second = await context.CallActivityAsync<string>(nameof(Record), $"{input.Key}:b");
        return first + second;
    }
}
