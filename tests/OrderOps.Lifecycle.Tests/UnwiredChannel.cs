using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// A channel whose outbound messages are not built: every action it needs answers Failed with what is missing, actions
/// it does not need answer NotApplicable. The engine's behaviour for such a seam is a channel-notification-failed
/// exception an operator can see and retry (in production a channel without a registered notifier gets the same).
/// </summary>
public sealed class UnwiredChannel(string channel, bool needsAcceptance, string acceptanceSeam, string shipmentSeam, string cancellationSeam) : IChannelNotifier
{
    public string Channel { get; } = channel;

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(needsAcceptance ? ChannelNotifyResult.Failed(acceptanceSeam) : ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(shipmentSeam));

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(cancellationSeam));
}
