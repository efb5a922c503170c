using System.Text.Json.Nodes;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>Telling the channel: acceptance, shipments and cancellation, each once, rechecked while the channel has not confirmed.</summary>
public sealed partial class LifecycleDecider
{
    private async Task NotifyAcceptanceAsync()
    {
        if (_ps.AcceptanceAcknowledged || _ps.State is LifecycleStates.Received or LifecycleStates.Cancelled or LifecycleStates.Rejected)
        {
            return;
        }

        var result = await _steps.NotifyChannelAsync(new ChannelNoticeRequest(_order.OrderId, ChannelNoticeKinds.Acceptance));
        _ps.AcceptanceAcknowledged = AfterNotify(ChannelNoticeKinds.Acceptance, result, null, out var failure);
        await RaiseNotifyFailureAsync(failure);
    }

    private async Task NotifyShipmentsAsync()
    {
        foreach (var shipment in _ps.Shipments.Where(s => !s.ChannelNotified))
        {
            var notice = new ShipmentNotice(shipment.ShipmentId, shipment.LocationId, shipment.Carrier, shipment.TrackingNumber, shipment.TrackingUrl,
                shipment.Lines.Select(l => new ShippedLine(l.LineId, l.Sku, l.Quantity)).ToList(), shipment.At);
            var result = await _steps.NotifyChannelAsync(new ChannelNoticeRequest(_order.OrderId, ChannelNoticeKinds.Shipment, notice));
            shipment.ChannelNotified = AfterNotify(ChannelNoticeKinds.Shipment, result, shipment.ShipmentId, out var failure);
            await RaiseNotifyFailureAsync(failure);
        }
    }

    private async Task NotifyCancellationAsync()
    {
        if (_ps.CancellationAcknowledged || _ps.State is not (LifecycleStates.Cancelled or LifecycleStates.Rejected))
        {
            return;
        }

        var result = await _steps.NotifyChannelAsync(new ChannelNoticeRequest(_order.OrderId, ChannelNoticeKinds.Cancellation, null, _ps.CancelReason ?? "cancelled", _ps.CancelledByChannel));
        _ps.CancellationAcknowledged = AfterNotify(ChannelNoticeKinds.Cancellation, result, null, out var failure);
        await RaiseNotifyFailureAsync(failure);
    }

    /// <summary>Tells the channel whatever it has not confirmed yet (each step skips what is already done).</summary>
    private async Task NotifyOutstandingAsync()
    {
        await NotifyAcceptanceAsync();
        await NotifyShipmentsAsync();
        await NotifyCancellationAsync();
    }

    private void MarkNotificationsDone()
    {
        _ps.AcceptanceAcknowledged = true;
        _ps.CancellationAcknowledged = true;
        foreach (var shipment in _ps.Shipments)
        {
            shipment.ChannelNotified = true;
        }
    }

    /// <summary>Records the channel's answer; true when it is confirmed. A failure comes back to be raised as an exception.</summary>
    private bool AfterNotify(string action, ChannelNotifyResult result, string? shipmentId, out (string Action, string? ShipmentId, string? Detail)? failure)
    {
        failure = null;
        if (result.Status == ChannelNotifyStatus.Failed)
        {
            failure = (action, shipmentId, result.Detail);
            return false;
        }

        Record(LifecycleEventTypes.ChannelNotified, new JsonObject { ["action"] = action, ["shipmentId"] = shipmentId, ["result"] = result.Status.ToString(), ["detail"] = result.Detail });
        if (result.Status == ChannelNotifyStatus.Pending)
        {
            // Not confirmed yet: ask again later (one recheck timer covers every pending notification).
            if (_ps.Timers.All(t => t.Kind != TimerKinds.ChannelRecheck))
            {
                Arm(TimerKinds.ChannelRecheck, _now + _options.ChannelRecheck.After, null);
            }

            return false;
        }

        return true;
    }

    private Task RaiseNotifyFailureAsync((string Action, string? ShipmentId, string? Detail)? failure) => failure is not { } f
        ? Task.CompletedTask
        : RaiseAsync(ExceptionKinds.ChannelNotificationFailed, $"Telling {_order.Channel} about the {f.Action} failed: {f.Detail}", [Resolutions.Retry, Resolutions.Override],
            "Retry once the channel is reachable (or the integration is wired); override (with a reason) after updating the channel by hand.",
            new JsonObject { ["action"] = f.Action, ["shipmentId"] = f.ShipmentId });
}
