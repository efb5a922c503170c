using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The honest placeholder for a channel whose outbound integration is not built yet (EDI 855/856: the EDI adapter has
/// the X12 writer but no 855/856 documents or delivery to a partner). Every action that channel needs answers Failed
/// with what is missing, so the lifecycle raises a channel-notification-failed exception an operator can see and, once
/// the integration is wired, retry. Actions the channel does not need answer NotApplicable. (Amazon no longer needs
/// it: the Amazon adapter's <c>AmazonChannelNotifier</c> confirms shipments and cancels through the SP-API, and answers
/// Failed with the missing setting when no Amazon account is configured.)
/// </summary>
public sealed class NotWiredChannelNotifier(string channel, bool needsAcceptance, string acceptanceSeam, string shipmentSeam, string cancellationSeam) : IChannelNotifier
{
    public string Channel { get; } = channel;

    public static NotWiredChannelNotifier Edi() => new(
        Channels.Edi,
        needsAcceptance: true,
        acceptanceSeam: "The EDI 855 purchase order acknowledgement is not wired in this build (no 855 is written or delivered yet).",
        shipmentSeam: "The EDI 856 ship notice is not wired in this build (no 856 is written or delivered yet).",
        cancellationSeam: "The EDI 855 rejection for a cancelled order is not wired in this build (no 855 is written or delivered yet).");

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(needsAcceptance ? ChannelNotifyResult.Failed(acceptanceSeam) : ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(shipmentSeam));

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.Failed(cancellationSeam));
}
