namespace OrderOps.Core.Lifecycle;

/// <summary>The states of an order's lifecycle (also the order record's <c>Status</c>).</summary>
public static class LifecycleStates
{
    public const string Received = "received";
    public const string Validated = "validated";
    public const string OnHold = "on_hold";
    public const string Allocated = "allocated";
    public const string Released = "released";
    public const string PartiallyShipped = "partially_shipped";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Rejected = "rejected";
    public const string Returned = "returned";

    public static IReadOnlyList<string> All { get; } =
        [Received, Validated, OnHold, Allocated, Released, PartiallyShipped, Shipped, Delivered, Completed, Cancelled, Rejected, Returned];

    public static bool IsTerminal(string state) => state is Completed or Cancelled or Rejected or Returned;

    /// <summary>Goods have left a location: cancelling is no longer possible, only a return.</summary>
    public static bool HasShipped(string state) => state is PartiallyShipped or Shipped or Delivered or Completed or Returned;
}

/// <summary>What makes the machine move (the transition table's triggers).</summary>
public static class LifecycleTriggers
{
    public const string Validate = "validate";
    public const string Hold = "hold";
    public const string Approve = "approve";
    public const string Allocate = "allocate";
    public const string Release = "release";
    public const string ReleaseFailed = "release-failed";
    public const string Ship = "ship";
    public const string Deliver = "deliver";
    public const string Complete = "complete";
    public const string Cancel = "cancel";
    public const string Reject = "reject";
    public const string Return = "return";

    /// <summary>Undo allocation and release so the order is planned again (its lines changed).</summary>
    public const string Replan = "replan";
}

/// <summary>Kinds of due timers.</summary>
public static class TimerKinds
{
    public const string FulfillmentAck = "fulfillment-ack";
    public const string ShipBy = "ship-by";
    public const string ReviewHold = "review-hold";

    /// <summary>Asks a channel again about a notification it took but had not confirmed (<see cref="Ports.ChannelNotifyStatus.Pending"/>).</summary>
    public const string ChannelRecheck = "channel-recheck";
}

/// <summary>Kinds of lifecycle exceptions (what an operator is asked to decide about).</summary>
public static class ExceptionKinds
{
    public const string ValidationFailed = "validation-failed";
    public const string ReviewRequired = "review-required";
    public const string InsufficientStock = "insufficient-stock";
    public const string ReleaseFailed = "release-failed";
    public const string NotCancellable = "not-cancellable";
    public const string CompensationFailed = "compensation-failed";
    public const string ChannelNotificationFailed = "channel-notification-failed";
    public const string UnexpectedFulfillmentEvent = "unexpected-fulfillment-event";
    public const string TimerExpired = "timer-expired";

    /// <summary>The channel changed the lines of an order already allocated (and maybe released).</summary>
    public const string OrderChanged = "order-changed";

    /// <summary>Kinds that stop the machine until resolved; the others are reported while the order moves on.</summary>
    public static bool Blocks(string kind) => kind is ValidationFailed or ReviewRequired or InsufficientStock or ReleaseFailed or CompensationFailed or OrderChanged;
}

/// <summary>How an operator resolves an exception.</summary>
public static class Resolutions
{
    public const string Retry = "retry";
    public const string Cancel = "cancel";
    public const string Override = "override";

    public static bool IsKnown(string? value) => value is Retry or Cancel or Override;
}

/// <summary>What happens when a timer expires (configured per timer kind).</summary>
public enum ExpiryPolicy
{
    /// <summary>Raise an exception for an operator.</summary>
    Exception,

    /// <summary>Repeat the step that is overdue (re-send the release, extend the hold) up to MaxAttempts, then raise.</summary>
    Retry,

    /// <summary>Run the owed compensations and end the order (cancelled; rejected for an expired review hold).</summary>
    Compensate,
}

/// <summary>Event types the lifecycle writes into an order's history.</summary>
public static class LifecycleEventTypes
{
    /// <summary>Prefix of state changes: <c>lifecycle.transition</c> with from/to/trigger.</summary>
    public const string Transition = "lifecycle.transition";
    public const string StockReserved = "lifecycle.stockReserved";
    public const string ReleasedToLocation = "lifecycle.releasedToLocation";
    public const string Compensated = "lifecycle.compensated";

    /// <summary>A compensation no longer owed (the goods it would have stopped have shipped).</summary>
    public const string CompensationDropped = "lifecycle.compensationDropped";
    public const string ShipmentRecorded = "lifecycle.shipmentRecorded";
    public const string LocationAcknowledged = "lifecycle.locationAcknowledged";
    public const string DeliveryReported = "lifecycle.deliveryReported";
    public const string ChannelNotified = "lifecycle.channelNotified";
    public const string TimerScheduled = "lifecycle.timerScheduled";
    public const string TimerFired = "lifecycle.timerFired";
    public const string TimerCancelled = "lifecycle.timerCancelled";
    public const string ExceptionRaised = "lifecycle.exceptionRaised";
    public const string ExceptionResolved = "lifecycle.exceptionResolved";
    public const string CancelRequested = "lifecycle.cancelRequested";
    public const string AwaitingChannel = "lifecycle.awaitingChannel";
}
