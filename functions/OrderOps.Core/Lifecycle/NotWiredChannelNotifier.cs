using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The honest placeholder for a channel whose outbound integration is not built yet (Amazon SP-API confirmShipment:
/// the Amazon adapter has LWA and a rate-limited client but no shipment call). Every action that channel needs answers
/// Failed with what is missing, so the lifecycle raises a channel-notification-failed exception an operator can see
/// and, once the integration is wired, retry. Actions the channel does not need answer NotApplicable. (EDI is wired:
/// the EDI adapter's <c>EdiChannelNotifier</c> writes 855s and 856s.)
/// </summary>
public sealed class NotWiredChannelNotifier(string channel, bool needsAcceptance, string acceptanceSeam, string shipmentSeam, string cancellationSeam) : IChannelNotifier
{
    public string Channel { get; } = channel;

    public static NotWiredChannelNotifier Amazon() => new(
        Channels.Amazon,
        needsAcceptance: false,
        acceptanceSeam: string.Empty,
        shipmentSeam: "Amazon SP-API confirmShipment is not wired in this build (the Amazon adapter has no shipment confirmation call yet).",
        cancellationSeam: "Amazon seller-initiated cancellation is not wired in this build.");

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(needsAcceptance ? ChannelNotifyResult.Failed(acceptanceSeam) : ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(shipmentSeam));

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Task.FromResult(requestedByChannel && Channel == Channels.Amazon ? ChannelNotifyResult.NotApplicable : ChannelNotifyResult.Failed(cancellationSeam));
}
