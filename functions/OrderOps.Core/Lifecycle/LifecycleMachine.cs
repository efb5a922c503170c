namespace OrderOps.Core.Lifecycle;

/// <summary>One allowed move: from which states, on which trigger, to which state; the guard and side effects in words.</summary>
public sealed record LifecycleTransition(IReadOnlyList<string> From, string Trigger, string To, string Guard, string SideEffects);

/// <summary>
/// The order lifecycle, declared in one place. <see cref="LifecycleDecider"/> moves an order only along these
/// transitions (anything else throws), and each move is written to the order's history as an immutable
/// <c>lifecycle.transition</c> event with actor, time and cause.
/// </summary>
public static class LifecycleMachine
{
    private static readonly string[] Cancellable =
        [LifecycleStates.Received, LifecycleStates.Validated, LifecycleStates.OnHold, LifecycleStates.Allocated, LifecycleStates.Released];

    public static IReadOnlyList<LifecycleTransition> Transitions { get; } =
    [
        new([LifecycleStates.Received], LifecycleTriggers.Validate, LifecycleStates.Validated,
            "schema v1 valid, shipping address complete, every SKU known (or an operator override)", "acknowledge acceptance to the channel (EDI 855)"),
        new([LifecycleStates.Received], LifecycleTriggers.Reject, LifecycleStates.Rejected,
            "an operator cancels a validation exception", "acknowledge cancellation to the channel"),
        new([LifecycleStates.Validated], LifecycleTriggers.Hold, LifecycleStates.OnHold,
            "order total above Review:ValueThreshold or a risk tag present, not yet approved", "raise review-required exception; arm review-hold timer"),
        new([LifecycleStates.OnHold], LifecycleTriggers.Approve, LifecycleStates.Validated,
            "an operator overrides the review (with a reason)", "cancel review-hold timer"),
        new([LifecycleStates.OnHold], LifecycleTriggers.Reject, LifecycleStates.Rejected,
            "review-hold timer expired with policy Compensate", "acknowledge cancellation to the channel"),
        new([LifecycleStates.Validated], LifecycleTriggers.Allocate, LifecycleStates.Allocated,
            "the routing policy finds stock for every line and the reservation succeeds", "reserve stock (owes: release reservation)"),
        new([LifecycleStates.Allocated], LifecycleTriggers.Release, LifecycleStates.Released,
            "every planned location accepted the release", "POST release to each location (owes: cancel at location); arm fulfillment-ack and ship-by timers"),
        new([LifecycleStates.Allocated], LifecycleTriggers.ReleaseFailed, LifecycleStates.Validated,
            "a location refused or stayed unavailable", "compensate: cancel at released locations, release reservation; raise release-failed exception"),
        new([LifecycleStates.Allocated, LifecycleStates.Released], LifecycleTriggers.Replan, LifecycleStates.Validated,
            "the channel changed the lines and an operator chose retry on the order-changed exception", "compensate: cancel at released locations, release the reservation; allocate and release again"),
        new([LifecycleStates.Allocated, LifecycleStates.Released, LifecycleStates.PartiallyShipped], LifecycleTriggers.Ship, LifecycleStates.PartiallyShipped,
            "a new shipment leaves lines unshipped", "record shipment in stock; confirm shipment to the channel"),
        new([LifecycleStates.Allocated, LifecycleStates.Released, LifecycleStates.PartiallyShipped], LifecycleTriggers.Ship, LifecycleStates.Shipped,
            "a new shipment completes every line", "record shipment in stock; confirm shipment to the channel; cancel ship-by timer"),
        new([LifecycleStates.Shipped], LifecycleTriggers.Deliver, LifecycleStates.Delivered,
            "the location reported delivery (possibly before the last shipment arrived)", "none"),
        new([LifecycleStates.Delivered], LifecycleTriggers.Complete, LifecycleStates.Completed,
            "always", "cancel remaining timers"),
        new(Cancellable, LifecycleTriggers.Cancel, LifecycleStates.Cancelled,
            "nothing shipped yet; every owed compensation succeeded", "in reverse order: cancel at each released location, release the reservation; acknowledge to the channel"),
        new([LifecycleStates.Received, LifecycleStates.Validated, LifecycleStates.OnHold], LifecycleTriggers.Reject, LifecycleStates.Rejected,
            "an operator cancels an order that never passed review/validation", "acknowledge cancellation to the channel"),
        new([LifecycleStates.PartiallyShipped, LifecycleStates.Shipped, LifecycleStates.Delivered, LifecycleStates.Completed], LifecycleTriggers.Return, LifecycleStates.Returned,
            "the location reported the goods returned", "cancel remaining timers"),
    ];

    /// <summary>The declared transition for this move, or null when it is not allowed.</summary>
    public static LifecycleTransition? Find(string from, string trigger, string to) =>
        Transitions.FirstOrDefault(t => t.Trigger == trigger && t.To == to && t.From.Contains(from));

    public static bool CanCancel(string state) => Cancellable.Contains(state);
}
