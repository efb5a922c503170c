using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// The input of one execution of an order's orchestration: the order, its process state carried as data (null on a
/// first start: then it is read from the order record), the message to apply first and any caught after it (a step
/// that failed is retried with the events that arrived meanwhile queued behind it), the latest outcomes, and the facts
/// the message may be decided on without a load (a fulfillment event: see <c>OrderLifecycleOrchestrator.CarriedFor</c>).
/// </summary>
public sealed record OrderLifecycleInput(
    string OrderId,
    ProcessState? State,
    LifecycleMessage? Message,
    IReadOnlyList<LifecycleOutcomeEntry>? Recent,
    int FailedAttempts = 0,
    long Processed = 0,
    IReadOnlyList<LifecycleMessage>? Pending = null,
    LifecycleLoadResult? Loaded = null);

/// <summary>
/// The orchestration's custom status: the order's state, how many messages it has processed, and what the latest
/// ones did (by key and sequence number, so a caller that sends a key again can wait for the new outcome).
/// </summary>
public sealed record OrderLifecycleStatus(string State, int Step, long Processed, IReadOnlyList<LifecycleOutcomeEntry> Recent, string? Stalled = null);

public sealed record LifecycleOutcomeEntry(string Key, long Sequence, string State, bool Applied, string? Note);

public sealed record LifecycleLoadRequest(string OrderId, bool WithStoredState);

/// <summary>What a step decides on: the order's facts (null when there is no such order), the options now, and the stored state when asked.</summary>
/// <param name="Problems">
/// The order's validation problems (empty when valid), found by the load while the order still waits to be validated,
/// so the step that validates needs no activity of its own; null otherwise (and in histories written before it).
/// </param>
/// <param name="AcceptanceNotApplicable">
/// True when the order's channel has no acceptance message (<see cref="Ports.IChannelNotifier.SendsAcceptance"/>):
/// the acceptance notice is answered NotApplicable without an activity. Null in histories written before it.
/// </param>
/// <param name="OneWritePerStep">
/// True when the step writes once: the exceptions it raises or closes travel with its save (no PutException
/// activity), and a timer already due once its message is decided is decided in the same step, before that save.
/// Null in histories written before it: those replay with the shape they were written with (README, "Changing the
/// orchestrator").
/// </param>
public sealed record LifecycleLoadResult(
    LifecycleOrderFacts? Facts,
    LifecycleOptions Options,
    ProcessState? Stored,
    IReadOnlyList<string>? Problems = null,
    bool? AcceptanceNotApplicable = null,
    bool? OneWritePerStep = null);

/// <summary>
/// One step's result, written to the order record: status, process state and history events; and the exceptions the
/// step raised or closed, written to the exception queue just before (in the order they happened).
/// </summary>
public sealed record LifecycleSaveRequest(string OrderId, ProcessState State, IReadOnlyList<OrderEvent> Events, IReadOnlyList<LifecycleException>? Exceptions = null);

/// <summary>The names of the lifecycle's orchestrator, event and activities (the Function names in Azure).</summary>
public static class OrderLifecycleNames
{
    public const string Orchestrator = "OrderLifecycle";

    /// <summary>The one external event: a <see cref="LifecycleMessage"/>.</summary>
    public const string Event = "lifecycle";

    public const string Load = "OrderLifecycleLoad";
    public const string Validate = "OrderLifecycleValidate";
    public const string Reserve = "OrderLifecycleReserve";
    public const string GiveBack = "OrderLifecycleGiveBack";
    public const string ReleaseToLocation = "OrderLifecycleReleaseToLocation";
    public const string CancelAtLocation = "OrderLifecycleCancelAtLocation";
    public const string RecordShipment = "OrderLifecycleRecordShipment";
    public const string NotifyChannel = "OrderLifecycleNotifyChannel";
    public const string PutException = "OrderLifecyclePutException";
    public const string Save = "OrderLifecycleSave";

    /// <summary>What every order's instance id starts with.</summary>
    public const string InstancePrefix = "order:";

    /// <summary>
    /// The instance id of an order's orchestration: <c>order:</c> and the order id, with the characters Azure Storage
    /// keys cannot hold (<c>/ \ # ?</c>, control characters) and <c>%</c> itself percent-encoded, so distinct orders
    /// always get distinct instances.
    /// </summary>
    public static string InstanceId(string orderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        var builder = new System.Text.StringBuilder(InstancePrefix, orderId.Length + InstancePrefix.Length);
        foreach (var c in orderId)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
