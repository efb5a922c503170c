using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Tells Amazon what happened to a seller-fulfilled (MFN) order through the Selling Partner API.
/// <list type="bullet">
/// <item>Shipment: Orders API v0 <c>confirmShipment</c>, one package per shipment. The lines' ids are Amazon
/// OrderItemIds (the mapper's line ids); <c>packageReferenceId</c> is derived from the shipment id
/// (<see cref="PackageReferenceIds"/>); the carrier becomes Amazon's <c>carrierCode</c> where Amazon lists it, else
/// "Other" with <c>carrierName</c> (<see cref="AmazonCarrierCodes"/>). No <c>shippingMethod</c> is sent: it is
/// optional and a location reports none.</item>
/// <item>Acceptance: NotApplicable. Amazon has no acceptance message for MFN orders; an order is simply shipped or
/// cancelled.</item>
/// <item>Cancellation Amazon asked for (the order arrived Canceled): NotApplicable, Amazon already cancelled it.
/// Cancellation decided here: an order acknowledgement feed (<see cref="AmazonOrderCanceller"/>).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>Idempotency of confirmShipment, which the lifecycle repeats after a crash: Amazon documents that another
/// call with the same <c>packageReferenceId</c> edits that package ("the other shipment details are edited upon
/// successful submission"), so a repeat answers 204 again and is Done, with nothing duplicated. When Amazon answers
/// 400 instead (reported for an order already fulfilled, e.g. confirmed by hand in Seller Central), the notifier reads
/// the order again (v2026-01-01 <c>getOrder</c> with FULFILLMENT): if every item of this shipment already shows
/// quantityFulfilled = quantityOrdered, Amazon has the
/// shipment and the repeat counts as Done; otherwise Amazon's error is the answer.</para>
/// <para>Failures: a 4xx that cannot succeed is Failed at once with Amazon's code and message; throttling, 5xx and
/// network errors are retried by the client's resilience pipeline first. No account configured for the order's seller
/// means Failed with the setting to add, which keeps the app starting without an Amazon account.</para>
/// </remarks>
public sealed class AmazonChannelNotifier : IChannelNotifier
{
    private readonly SellingPartnerOrdersClient _orders;
    private readonly AmazonOrderCanceller _canceller;
    private readonly IOptionsMonitor<AmazonOptions> _options;
    private readonly ILogger<AmazonChannelNotifier> _logger;

    internal AmazonChannelNotifier(SellingPartnerOrdersClient orders, AmazonOrderCanceller canceller, IOptionsMonitor<AmazonOptions> options, ILogger<AmazonChannelNotifier> logger)
    {
        _orders = orders;
        _canceller = canceller;
        _options = options;
        _logger = logger;
    }

    public string Channel => Channels.Amazon;

    /// <summary>The channel has no acceptance message.</summary>
    public bool SendsAcceptance => false;

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.NotApplicable);

    public async Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipment);
        var (target, problem) = AmazonOrderTarget.Resolve(order, _options.CurrentValue);
        if (target is null)
        {
            return Fail(order, "shipment", problem!);
        }

        if (target.IsFulfilledByAmazon)
        {
            return new ChannelNotifyResult(ChannelNotifyStatus.NotApplicable, "Amazon ships FBA (AFN) orders itself.");
        }

        var (request, invalid) = BuildConfirmation(order, shipment, target);
        if (request is null)
        {
            return Fail(order, "shipment", invalid!);
        }

        var what = $"confirmShipment of order {target.AmazonOrderId}, package {request.PackageDetail.PackageReferenceId}";
        try
        {
            await _orders.ConfirmShipmentAsync(target.SellerId, target.AmazonOrderId, request, cancellationToken);
            _logger.LogInformation("Confirmed shipment {ShipmentId} of Amazon order {AmazonOrderId} as package {PackageReferenceId}.", shipment.ShipmentId, target.AmazonOrderId, request.PackageDetail.PackageReferenceId);
            return new ChannelNotifyResult(ChannelNotifyStatus.Done, $"package {request.PackageDetail.PackageReferenceId}");
        }
        catch (SellingPartnerApiException refused) when (refused.StatusCode == HttpStatusCode.BadRequest)
        {
            return await AlreadyShippedOrFailedAsync(order, target, request, refused, what, cancellationToken);
        }
        catch (Exception ex) when (AmazonNotifyFailures.IsExpected(ex, cancellationToken))
        {
            return Fail(order, "shipment", AmazonNotifyFailures.Describe(ex, what));
        }
    }

    public async Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (requestedByChannel)
        {
            return ChannelNotifyResult.NotApplicable; // Amazon cancelled it itself.
        }

        var (target, problem) = AmazonOrderTarget.Resolve(order, _options.CurrentValue);
        var result = target is null ? ChannelNotifyResult.Failed(problem!) : await _canceller.CancelAsync(order, target, cancellationToken);
        return result.Status == ChannelNotifyStatus.Failed ? Fail(order, "cancellation", result.Detail!) : result;
    }

    private static (ConfirmShipmentRequest? Request, string? Problem) BuildConfirmation(CanonicalOrder order, ShipmentNotice shipment, AmazonOrderTarget target)
    {
        if (string.IsNullOrWhiteSpace(shipment.TrackingNumber) || string.IsNullOrWhiteSpace(shipment.Carrier))
        {
            return (null, $"Amazon's confirmShipment requires a carrier and a tracking number; shipment '{shipment.ShipmentId}' from '{shipment.LocationId}' lacks {(string.IsNullOrWhiteSpace(shipment.Carrier) ? "a carrier" : "a tracking number")}. Confirm it in Seller Central, then override.");
        }

        var known = order.LineItems.Select(l => l.LineId).ToHashSet(StringComparer.Ordinal);
        var items = new List<ConfirmShipmentItem>();
        foreach (var line in shipment.Lines.GroupBy(l => l.LineId, StringComparer.Ordinal))
        {
            var quantity = line.Sum(l => l.Quantity);
            if (!known.Contains(line.Key) || quantity <= 0)
            {
                return (null, $"Shipment '{shipment.ShipmentId}' names line '{line.Key}' (quantity {quantity}), which is not an item of Amazon order {target.AmazonOrderId}.");
            }

            items.Add(new ConfirmShipmentItem(line.Key, quantity));
        }

        if (items.Count == 0)
        {
            return (null, $"Shipment '{shipment.ShipmentId}' has no lines to confirm.");
        }

        var (carrierCode, carrierName) = AmazonCarrierCodes.Map(shipment.Carrier);
        var package = new PackageDetail(PackageReferenceIds.For(shipment.ShipmentId), carrierCode, carrierName, null, shipment.TrackingNumber.Trim(), shipment.ShippedAt, items);
        return (new ConfirmShipmentRequest(target.MarketplaceId, package), null);
    }

    private async Task<ChannelNotifyResult> AlreadyShippedOrFailedAsync(
        CanonicalOrder order, AmazonOrderTarget target, ConfirmShipmentRequest request, SellingPartnerApiException refused, string what, CancellationToken cancellationToken)
    {
        try
        {
            var amazonOrder = await _orders.GetOrderAsync(target.SellerId, target.AmazonOrderId, [OrdersIncludedData.Fulfillment], cancellationToken);
            var amazonItems = ((amazonOrder["orderItems"] as JsonArray)?.OfType<JsonObject>() ?? [])
                .Where(i => Text(i, "orderItemId") is not null)
                .GroupBy(i => Text(i, "orderItemId")!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var allShipped = request.PackageDetail.OrderItems.All(item =>
                amazonItems.TryGetValue(item.OrderItemId, out var amazon) && Int(amazon, "quantityOrdered") is { } ordered && ordered > 0
                && amazon["fulfillment"] is JsonObject fulfilled && Int(fulfilled, "quantityFulfilled") == ordered);
            if (allShipped)
            {
                _logger.LogInformation("Amazon order {AmazonOrderId} already shows the items of package {PackageReferenceId} shipped; counted as done.", target.AmazonOrderId, request.PackageDetail.PackageReferenceId);
                return new ChannelNotifyResult(ChannelNotifyStatus.Done, $"Amazon already shows these items shipped (it answered confirmShipment: {string.Join("; ", refused.Errors.Select(e => e.Message))}).");
            }
        }
        catch (Exception ex) when (AmazonNotifyFailures.IsExpected(ex, cancellationToken))
        {
            _logger.LogWarning("Could not read Amazon order {AmazonOrderId} again after a refused confirmShipment: {Error}", target.AmazonOrderId, ex.Message);
        }

        return Fail(order, "shipment", AmazonNotifyFailures.Describe(refused, what));
    }

    private ChannelNotifyResult Fail(CanonicalOrder order, string action, string detail)
    {
        _logger.LogWarning("Telling Amazon about the {Action} of order {OrderId} failed: {Detail}", action, order.OrderId, detail);
        return ChannelNotifyResult.Failed(detail);
    }

    private static string? Text(JsonObject item, string name) =>
        item[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Int(JsonObject item, string name) =>
        item[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
