using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The honest placeholder for a channel whose outbound integration lives on another branch (Amazon SP-API
/// confirmShipment; EDI 855/856 through the X12 writer). Every action that channel needs answers Failed with what
/// is missing, so the lifecycle raises a channel-notification-failed exception an operator can see and, once the
/// integration is wired, retry. Actions the channel does not need answer NotApplicable.
/// </summary>
public sealed class NotWiredChannelNotifier(string channel, bool needsAcceptance, string acceptanceSeam, string shipmentSeam, string cancellationSeam) : IChannelNotifier
{
    public string Channel { get; } = channel;

    public static NotWiredChannelNotifier Amazon() => new(
        Channels.Amazon,
        needsAcceptance: false,
        acceptanceSeam: string.Empty,
        shipmentSeam: "Amazon SP-API confirmShipment is not wired in this build (needs the Amazon adapter's LWA token provider).",
        cancellationSeam: "Amazon seller-initiated cancellation is not wired in this build.");

    public static NotWiredChannelNotifier Edi() => new(
        Channels.Edi,
        needsAcceptance: true,
        acceptanceSeam: "The EDI 855 purchase order acknowledgement is not wired in this build (needs the X12 writer).",
        shipmentSeam: "The EDI 856 ship notice is not wired in this build (needs the X12 writer).",
        cancellationSeam: "The EDI 855 rejection for a cancelled order is not wired in this build (needs the X12 writer).");

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(needsAcceptance ? ChannelNotifyResult.Failed(acceptanceSeam) : ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(shipmentSeam));

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Task.FromResult(requestedByChannel && Channel == Channels.Amazon ? ChannelNotifyResult.NotApplicable : ChannelNotifyResult.Failed(cancellationSeam));
}
