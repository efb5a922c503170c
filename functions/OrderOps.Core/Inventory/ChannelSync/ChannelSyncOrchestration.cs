using Microsoft.DurableTask;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>
/// One eternal orchestration per channel account (a Shopify shop, an Amazon seller) pushes that account's
/// available-to-sell: the only pusher for the account, so its rate limit holds across every instance of the app.
/// Each generation does one round and continues as new, so history stays a handful of events:
/// <list type="number">
/// <item>wait out the pacing of the previous batch (a durable timer: a batch of <c>Burst</c> pushes per
/// <c>Burst / pushes-per-second</c>);</item>
/// <item>lease the due pushes and publish them (one activity, so a change reaches the channel one activity hop after
/// its signal), record the outcomes (a second activity, retried on its own so a storage hiccup never re-publishes),
/// continue;</item>
/// <item>or, with nothing due, sleep on a durable timer until the next push comes due (a coalescing window's end, a
/// backoff or Retry-After, a parked push's wake-up) or the idle recheck, whichever is first, unless the fan-out's
/// <see cref="ChangedEvent"/> says something is due sooner.</item>
/// </list>
/// </summary>
/// <remarks>
/// Deterministic: no I/O, clock or configuration here; times come from <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>
/// and from activity results. Signals that arrive while a round is busy are dropped at <c>ContinueAsNew</c>: the next
/// round starts with a lease, which sees everything scheduled before them (the fan-out schedules, then signals), so a
/// burst of signals costs at most one extra round, however long it is.
/// </remarks>
public static class ChannelSyncOrchestration
{
    public const string Name = "ChannelSync";
    public const string PushActivity = "ChannelSyncPush";
    public const string RecordActivity = "ChannelSyncRecord";
    public const string ChangedEvent = "InventoryChanged";

    /// <summary>Signals handled in one idle generation before it continues as new (bounds its history).</summary>
    public const int MaxSignalsPerGeneration = 50;

    /// <summary>
    /// A next push reported due already though the lease took nothing (it came due between the two reads, or the
    /// instances' clocks disagree) is looked at again after at least this long, so an idle orchestration never spins.
    /// </summary>
    public static readonly TimeSpan MinimumIdleWait = TimeSpan.FromMilliseconds(20);

    /// <summary>Activities are retried on durable timers before the round gives up and backs off.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromMilliseconds(500), backoffCoefficient: 2));

    public static async Task RunAsync(TaskOrchestrationContext context, ChannelSyncInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.NotBefore is { } notBefore && notBefore.UtcDateTime > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(notBefore.UtcDateTime, CancellationToken.None);
        }

        ChannelSyncRound round;
        try
        {
            round = await context.CallActivityAsync<ChannelSyncRound>(PushActivity, input.Channel, Retry);
            if (round.Retired)
            {
                return;
            }

            if (round.Completions.Count > 0)
            {
                await context.CallActivityAsync<int>(RecordActivity, round.Completions, Retry);
                var paced = round.PushInterval is { } interval ? round.At + (interval * round.Completions.Count) : (DateTimeOffset?)null;
                context.ContinueAsNew(input with { NotBefore = paced }, preserveUnprocessedEvents: false);
                return;
            }
        }
        catch (TaskFailedException)
        {
            // Every retry failed (the publication store is down): wait, then start over. Nothing is lost: the pending
            // rows stay in the store, and a lease taken before the failure lapses on its own.
            await context.CreateTimer(context.CurrentUtcDateTime + input.FailureBackoff, CancellationToken.None);
            context.ContinueAsNew(input with { NotBefore = null }, preserveUnprocessedEvents: false);
            return;
        }

        await SleepAsync(context, round);
        context.ContinueAsNew(input with { NotBefore = null }, preserveUnprocessedEvents: false);
    }

    /// <summary>Waits until the next push is due, the idle recheck, or a signal of something due sooner.</summary>
    private static async Task SleepAsync(TaskOrchestrationContext context, ChannelSyncRound round)
    {
        var wakeAt = context.CurrentUtcDateTime + round.IdleRecheck;
        if (round.NextDueAt is { } due)
        {
            var earliest = round.At + MinimumIdleWait;
            var next = (due > earliest ? due : earliest).UtcDateTime;
            wakeAt = next < wakeAt ? next : wakeAt;
        }

        using var stopTimer = new CancellationTokenSource();
        var timer = context.CreateTimer(wakeAt, stopTimer.Token);
        for (var handled = 0; handled < MaxSignalsPerGeneration; handled++)
        {
            var changed = context.WaitForExternalEvent<ChannelSyncSignal?>(ChangedEvent);
            if (await Task.WhenAny(timer, changed) == timer)
            {
                return;
            }

            if (changed.Result is not { } signal || signal.DueAt.UtcDateTime < wakeAt)
            {
                break;
            }

            // Due no sooner than this sleep ends anyway (a coalescing window closing later): keep sleeping, no round.
        }

        // Cancelled so this generation can end now; DurableTask still delivers the timer later and discards it.
        stopTimer.Cancel();
    }
}
