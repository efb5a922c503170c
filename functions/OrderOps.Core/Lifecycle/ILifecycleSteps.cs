using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// Every side effect of the lifecycle, one method per step. In the orchestration each is an activity (run at least
/// once, its result recorded in the history), so each must be idempotent: reservations by reservation id, location
/// calls by idempotency key, exceptions by their deterministic id, history by step number.
/// </summary>
public interface ILifecycleSteps
{
    /// <summary>The order's validation problems (schema, address, unknown SKUs); empty when it is valid.</summary>
    Task<IReadOnlyList<string>> ValidateAsync(string orderId);

    /// <summary>Reserves stock for the lines under the reservation id, or reports why not.</summary>
    Task<ReserveOutcome> ReserveAsync(ReserveRequest request);

    /// <summary>Gives a reservation back to the ledger (the id is never reserved again).</summary>
    Task GiveBackAsync(string reservationId);

    Task<FulfillmentCallResult> ReleaseToLocationAsync(LocationReleaseRequest request);

    Task<FulfillmentCallResult> CancelAtLocationAsync(LocationCancelRequest request);

    Task RecordShipmentAsync(ShipmentStockRequest request);

    Task<ChannelNotifyResult> NotifyChannelAsync(ChannelNoticeRequest request);

    /// <summary>Raises or closes an exception in the exception queue.</summary>
    Task PutExceptionAsync(LifecycleException exception);
}

public enum ReserveStatus
{
    Reserved,
    Short,

    /// <summary>The id was released earlier (or held a reservation that no longer fits): use the next generation.</summary>
    IdSpent,
}

public sealed record ReserveRequest(string OrderId, string ReservationId, IReadOnlyList<OrderLineFact> Lines);

/// <param name="Shortages">The SKUs that could not be covered (stock arrivals for any of them retry the order).</param>
public sealed record ReserveOutcome(ReserveStatus Status, IReadOnlyList<PlannedLine> Plan, IReadOnlyList<string> Shortages);

/// <param name="AttemptId">The reservation id: the location's idempotency key, so a release after a compensated attempt is new to it.</param>
public sealed record LocationReleaseRequest(string OrderId, string LocationId, string AttemptId, IReadOnlyList<ReleaseLine> Lines, DateTimeOffset? ShipBy);

public sealed record LocationCancelRequest(string OrderId, string LocationId, string AttemptId, string Reason);

public sealed record ShipmentStockRequest(string ReservationId, string ShipmentId, string LocationId, IReadOnlyList<ShipmentLine> Lines);

public static class ChannelNoticeKinds
{
    public const string Acceptance = "acceptance";
    public const string Shipment = "shipment";
    public const string Cancellation = "cancellation";
}

public sealed record ChannelNoticeRequest(string OrderId, string Kind, ShipmentNotice? Shipment = null, string? Reason = null, bool RequestedByChannel = false);
