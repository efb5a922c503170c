using OrderOps.Core.Orders;

namespace OrderOps.Core.Ports;

/// <summary>
/// Tells a sales channel what happened to its order: one implementation per channel (<see cref="Channel"/>). Calls
/// are repeated after crashes, so implementations make them idempotent (e.g. Shopify: skip a tracking number the
/// order already has; Amazon: the same packageReferenceId per shipment, which Amazon treats as an edit).
/// </summary>
/// <remarks>
/// Wired: Shopify (fulfillmentCreate with tracking, orderCancel), Amazon (SP-API confirmShipment; an operator's
/// cancellation as an order acknowledgement feed) and EDI (an 855 on acceptance, an 856 per shipment, an 855 rejection
/// on cancellation, left in the edi-outbox for the partner: the EDI adapter's EdiChannelNotifier). For a channel with
/// no notifier registered the lifecycle raises a "channel-notification-failed" exception instead of pretending the
/// channel was told.
/// </remarks>
public interface IChannelNotifier
{
    string Channel { get; }

    /// <summary>
    /// False for a channel with no acceptance message, whose <see cref="AcknowledgeAcceptanceAsync"/> only answers
    /// <see cref="ChannelNotifyStatus.NotApplicable"/>: the lifecycle records that answer without calling it (no
    /// activity, no orchestration episode).
    /// </summary>
    bool SendsAcceptance => true;

    /// <summary>The order was validated and accepted (EDI: 855 purchase order acknowledgement).</summary>
    Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken);

    /// <summary>One shipment left (Shopify fulfillment, Amazon confirmShipment, EDI 856).</summary>
    Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken);

    /// <summary>The order was cancelled here; <paramref name="requestedByChannel"/> true when the channel asked for it.</summary>
    Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken);
}

/// <param name="Lines">Shipped quantities by the channel's line id.</param>
public sealed record ShipmentNotice(string ShipmentId, string LocationId, string? Carrier, string? TrackingNumber, string? TrackingUrl, IReadOnlyList<ShippedLine> Lines, DateTimeOffset ShippedAt);

public sealed record ShippedLine(string LineId, string? Sku, int Quantity);

public enum ChannelNotifyStatus
{
    Done,

    /// <summary>Nothing to tell this channel for this action (e.g. Shopify has no acceptance message).</summary>
    NotApplicable,

    Failed,

    /// <summary>
    /// The channel took the request but has not confirmed it yet (Amazon still processing a feed). The lifecycle asks
    /// again on a <c>channel-recheck</c> timer, so the call must be safe to repeat and answer the outcome once known.
    /// </summary>
    Pending,
}

public sealed record ChannelNotifyResult(ChannelNotifyStatus Status, string? Detail = null)
{
    public static ChannelNotifyResult Done { get; } = new(ChannelNotifyStatus.Done);

    public static ChannelNotifyResult NotApplicable { get; } = new(ChannelNotifyStatus.NotApplicable);

    public static ChannelNotifyResult Failed(string detail) => new(ChannelNotifyStatus.Failed, detail);

    public static ChannelNotifyResult Pending(string detail) => new(ChannelNotifyStatus.Pending, detail);
}
