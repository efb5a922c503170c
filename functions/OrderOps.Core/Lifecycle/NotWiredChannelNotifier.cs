using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The honest placeholder for a channel whose outbound integration is not built yet. Every action that channel needs
/// answers Failed with what is missing, so the lifecycle raises a channel-notification-failed exception an operator can
/// see and, once the integration is wired, retry. Actions the channel does not need answer NotApplicable. No channel
/// of this build needs it: Shopify, Amazon (<c>AmazonChannelNotifier</c>: SP-API confirmShipment and cancellation
/// feeds) and EDI (<c>EdiChannelNotifier</c>: 855s and 856s in the edi-outbox) are all wired; the lifecycle tests use it
/// for the engine's behaviour when one is not.
/// </summary>
public sealed class NotWiredChannelNotifier(string channel, bool needsAcceptance, string acceptanceSeam, string shipmentSeam, string cancellationSeam) : IChannelNotifier
{
    public string Channel { get; } = channel;

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(needsAcceptance ? ChannelNotifyResult.Failed(acceptanceSeam) : ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(shipmentSeam));

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(cancellationSeam));
}
