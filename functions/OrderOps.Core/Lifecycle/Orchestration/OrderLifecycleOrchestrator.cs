using Microsoft.DurableTask;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// One order's lifecycle as an eternal Durable orchestration. Each execution applies one message (or resumes with
/// none), saves the step, then waits for whichever comes first: the next external event or the order's earliest
/// timer. A fired timer is applied in the same execution; an event ends the execution with <c>ContinueAsNew</c>,
/// carrying the state as data, so histories stay short and new orchestrator code applies from the next event on.
/// </summary>
/// <remarks>
/// Deterministic: no I/O, clock or configuration here; the time is the context's, the options come from the load
/// activity, and every side effect is an activity (<see cref="ActivityLifecycleSteps"/>). The event waiter is created
/// once per execution and never abandoned before the execution ends: a waiter left behind would swallow the next
/// event. A step whose activities keep failing is retried from the state it started with (every step is
/// idempotent), after a durable backoff, so a message once accepted is never dropped.
/// </remarks>
public static class OrderLifecycleOrchestrator
{
    public const int RecentOutcomeCount = 20;

    private static readonly TimeSpan[] StallBackoff = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    public static async Task<object?> RunAsync(TaskOrchestrationContext context, OrderLifecycleInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var steps = new ActivityLifecycleSteps(context);
        var recent = new RecentOutcomes(input.Recent, input.Processed);
        var queued = new Queue<LifecycleMessage>(input.Pending ?? []);
        var state = input.State;
        var message = input.Message;
        Task<LifecycleMessage>? nextEvent = null;
        LifecycleLoadResult? justLoaded = state is null ? null : input.Loaded;
        var appliedAtOnce = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var before = state?.ToJson();
            var reuse = justLoaded; // good for the one step it was taken for, never for a queued message after it
            justLoaded = null;
            try
            {
                state = await StepAsync(context, steps, input.OrderId, state, message, recent, reuse, appliedAtOnce);
            }
            catch (Exception ex) when (ex is TaskFailedException || IsDecisionFault(ex))
            {
                // Retry this very message from the state it started with, after a pause; the status says why.
                var attempt = input.FailedAttempts + 1;
                var restored = before is null ? null : ProcessState.Parse(before);
                var why = ex is TaskFailedException failed ? $"in {failed.TaskName}: {failed.FailureDetails.ErrorMessage}" : $"deciding: {ex.GetType().Name}: {ex.Message}";
                context.SetCustomStatus(new OrderLifecycleStatus(restored?.State ?? "unknown", restored?.Step ?? 0, recent.Processed, recent.Entries, $"attempt {attempt} failed {why}"));
                var backoff = context.CreateTimer(StallBackoff[Math.Min(attempt, StallBackoff.Length) - 1], CancellationToken.None);
                if (nextEvent is not null && await Task.WhenAny(nextEvent, backoff) == nextEvent)
                {
                    // The waiter must not outlive the execution (it would swallow an event): keep what it caught.
                    queued.Enqueue(await nextEvent);
                }

                await backoff;
                context.ContinueAsNew(new OrderLifecycleInput(input.OrderId, restored, message, recent.Entries, attempt, recent.Processed, [.. queued]));
                return null;
            }

            context.SetCustomStatus(new OrderLifecycleStatus(state?.State ?? "unknown", state?.Step ?? 0, recent.Processed, recent.Entries));
            if (queued.TryDequeue(out var carried))
            {
                message = carried;
                continue;
            }

            nextEvent ??= context.WaitForExternalEvent<LifecycleMessage>(OrderLifecycleNames.Event);
            var timer = state?.Timers.MinBy(t => t.DueAt);
            if (timer is null)
            {
                message = await nextEvent;
                break;
            }

            if (timer.DueAt <= Now(context) && steps.LastLoad?.Facts is not null && appliedAtOnce.Add(timer.TimerId))
            {
                // Histories written before OneWritePerStep (StepAsync decides due timers itself since): an already due
                // timer is applied as a step of its own on the facts this episode just loaded, instead of a durable
                // timer that fires at once. Once per timer: one left in place goes through the durable timer.
                message = TimerMessage(input.OrderId, timer);
                justLoaded = steps.LastLoad;
                continue;
            }

            using var cancelTimer = new CancellationTokenSource();
            var due = context.CreateTimer(timer.DueAt.UtcDateTime, cancelTimer.Token);
            if (await Task.WhenAny(nextEvent, due) == nextEvent)
            {
                // Cancel synchronously: CancelAsync would resume this code on the thread pool, outside the episode.
#pragma warning disable CA1849
                cancelTimer.Cancel();
#pragma warning restore CA1849
                message = await nextEvent;
                break;
            }

            message = TimerMessage(input.OrderId, timer);
        }

        context.ContinueAsNew(new OrderLifecycleInput(input.OrderId, state, message, recent.Entries, 0, recent.Processed, Loaded: CarriedFor(message, steps.LastLoad)));
        return null;
    }

    /// <summary>
    /// What the next execution may decide <paramref name="message"/> on without a load: the facts this execution last
    /// loaded, for a fulfillment event (a location reporting on what it was sent), so a shipment reaches the channel one
    /// activity sooner. Safe because only ingest changes the facts, and it signals every change: a fulfillment event
    /// decided on the facts from before such a change is the interleaving in which it arrived first, and the change
    /// applies next. Anything else loads afresh (and with it the options of the moment).
    /// </summary>
    private static LifecycleLoadResult? CarriedFor(LifecycleMessage? message, LifecycleLoadResult? lastLoad) =>
        message?.Type is LifecycleMessageTypes.Shipped or LifecycleMessageTypes.Delivered or LifecycleMessageTypes.Returned or LifecycleMessageTypes.FulfillmentAcknowledged
        && lastLoad is { Facts: not null, OneWritePerStep: true }
            ? lastLoad with { Stored = null, Problems = null }
            : null;

    /// <summary>Loads the order's facts, decides, and saves what changed. Returns the state after the step.</summary>
    /// <param name="justLoaded">Facts loaded earlier (in this episode, or carried for a fulfillment event), to decide on again; null to load them.</param>
    /// <param name="appliedAtOnce">The timers already decided in this episode without waiting (each once).</param>
    private static async Task<ProcessState?> StepAsync(
        TaskOrchestrationContext context, ActivityLifecycleSteps steps, string orderId, ProcessState? state, LifecycleMessage? message, RecentOutcomes recent,
        LifecycleLoadResult? justLoaded, HashSet<string> appliedAtOnce)
    {
        var loaded = justLoaded is null ? await steps.LoadAsync(new LifecycleLoadRequest(orderId, WithStoredState: state is null)) : steps.Reuse(justLoaded);
        if (loaded.Facts is null)
        {
            recent.Add(message, new LifecycleOutcome(orderId, "unknown", false, "No such order."));
            return state;
        }

        state ??= loaded.Stored ?? new ProcessState();
        var decider = new LifecycleDecider(loaded.Facts, state, message, Now(context), loaded.Options, steps);
        List<(LifecycleMessage? Message, LifecycleOutcome Outcome)> outcomes = [(message, await decider.RunAsync())];
        List<OrderEvent> events = [.. decider.Events];
        while (loaded.OneWritePerStep == true && DueTimer(context, state, appliedAtOnce) is { } due)
        {
            // Already due once the message is decided (an order placed long ago is late at release): decide it on the
            // same facts and write both in one save, instead of a durable timer that fires at once and a second step.
            var timerMessage = TimerMessage(orderId, due);
            var timerDecider = new LifecycleDecider(loaded.Facts, state, timerMessage, Now(context), loaded.Options, steps);
            outcomes.Add((timerMessage, await timerDecider.RunAsync()));
            events.AddRange(timerDecider.Events);
        }

        if (events.Count > 0 || state.Step == 0)
        {
            state.Step++;
            await steps.SaveAsync(new LifecycleSaveRequest(orderId, state, events));
        }

        foreach (var (decided, outcome) in outcomes)
        {
            recent.Add(decided, outcome);
        }

        return state;
    }

    /// <summary>The earliest timer already due that this episode has not decided yet, marked decided.</summary>
    private static PendingTimer? DueTimer(TaskOrchestrationContext context, ProcessState state, HashSet<string> appliedAtOnce)
    {
        var due = state.Timers.Where(t => t.DueAt <= Now(context) && !appliedAtOnce.Contains(t.TimerId)).MinBy(t => t.DueAt);
        if (due is not null)
        {
            appliedAtOnce.Add(due.TimerId);
        }

        return due;
    }

    /// <summary>The latest outcomes, numbered in the order the messages were processed.</summary>
    private sealed class RecentOutcomes(IReadOnlyList<LifecycleOutcomeEntry>? entries, long processed)
    {
        private readonly List<LifecycleOutcomeEntry> _entries = entries?.ToList() ?? [];

        public long Processed { get; private set; } = processed;

        public IReadOnlyList<LifecycleOutcomeEntry> Entries => _entries;

        public void Add(LifecycleMessage? message, LifecycleOutcome outcome)
        {
            if (message is null)
            {
                return;
            }

            _entries.RemoveAll(r => r.Key == message.Key);
            _entries.Add(new LifecycleOutcomeEntry(message.Key, ++Processed, outcome.State, outcome.Applied, outcome.Note));
            if (_entries.Count > RecentOutcomeCount)
            {
                _entries.RemoveRange(0, _entries.Count - RecentOutcomeCount);
            }
        }
    }

    /// <summary>
    /// A fault of the step's own decision (a rule the decider broke, a state it cannot read): stalled and retried like a
    /// failed activity, so the message is kept and applies once fixed code is deployed, instead of failing the instance
    /// and losing it. The Durable runtime's own exceptions (replay, cancellation) keep their meaning.
    /// </summary>
    private static bool IsDecisionFault(Exception ex)
    {
        var ns = ex.GetType().Namespace ?? string.Empty;
        return ex is not OperationCanceledException
            && !ns.StartsWith("DurableTask", StringComparison.Ordinal)
            && !ns.StartsWith("Microsoft.DurableTask", StringComparison.Ordinal);
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    private static LifecycleMessage TimerMessage(string orderId, PendingTimer timer) => new()
    {
        Type = LifecycleMessageTypes.TimerDue,
        OrderId = orderId,
        Key = "timer:" + timer.TimerId,
        Actor = "timer:" + timer.Kind,
        Cause = $"timer {timer.TimerId} due {timer.DueAt:O}",
        TimerId = timer.TimerId,
        TimerKind = timer.Kind,
    };
}
