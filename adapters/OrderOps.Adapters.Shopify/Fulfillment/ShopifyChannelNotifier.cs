using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify.Admin;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Shopify.Fulfillment;

/// <summary>
/// Tells Shopify what happened, through the GraphQL Admin API of the order's own shop (<see cref="ShopifyAdminClient"/>):
/// a shipment becomes <c>fulfillmentCreate</c> with tracking, over the order's fulfillment orders (read first, because
/// Shopify fulfils fulfillment-order line items, not order lines); an operator's cancellation becomes
/// <c>orderCancel</c>. Shopify has no acceptance message. Idempotent: a shipment whose tracking number the order
/// already carries is not sent again; a cancel of an order Shopify already cancelled is done.
/// </summary>
/// <remarks>
/// "Already cancelled" is read from the order's <c>cancelledAt</c> before cancelling, not recognised from an error:
/// Shopify's <c>OrderCancelUserErrorCode</c> has no such code (INTERNAL_ERROR, INVALID, NOT_FOUND,
/// NO_REFUND_PERMISSION and store-credit codes only), so every <c>orderCancelUserErrors</c> entry is a refusal.
/// </remarks>
public sealed class ShopifyChannelNotifier(ShopifyAdminClient admin, IOptionsMonitor<ShopifyOptions> options) : IChannelNotifier
{
    private const string FulfillmentOrdersQuery = """
        query OrderFulfillment($id: ID!) {
          order(id: $id) {
            cancelledAt
            fulfillments(first: 50) { trackingInfo(first: 10) { number } }
            fulfillmentOrders(first: 20) {
              nodes { id status lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } } }
            }
          }
        }
        """;

    private const string FulfillmentCreateMutation = """
        mutation CreateFulfillment($fulfillment: FulfillmentInput!) {
          fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id } userErrors { field message } }
        }
        """;

    private const string CancelledAtQuery = """
        query OrderCancelled($id: ID!) { order(id: $id) { cancelledAt } }
        """;

    private const string OrderCancelMutation = """
        mutation CancelOrder($orderId: ID!, $staffNote: String) {
          orderCancel(orderId: $orderId, reason: OTHER, refund: true, restock: false, notifyCustomer: true, staffNote: $staffNote) {
            job { id } orderCancelUserErrors { field message code }
          }
        }
        """;

    public string Channel => Channels.Shopify;

    /// <summary>The channel has no acceptance message.</summary>
    public bool SendsAcceptance => false;

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelNotifyResult.NotApplicable);

    public async Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipment);
        try
        {
            var read = await GraphQlAsync(order, FulfillmentOrdersQuery, new JsonObject { ["id"] = OrderGid(order) }, cancellationToken);
            if (read.Error is { } readError)
            {
                return ChannelNotifyResult.Failed(readError);
            }

            var shopifyOrder = read.Data?["order"];
            if (shopifyOrder is null)
            {
                return ChannelNotifyResult.Failed($"Shopify has no order {order.ChannelOrderId}.");
            }

            if (shipment.TrackingNumber is { Length: > 0 } tracking
                && shopifyOrder["fulfillments"]?.AsArray().SelectMany(f => f?["trackingInfo"]?.AsArray() ?? []).Any(t => t?["number"]?.GetValue<string>() == tracking) == true)
            {
                return new ChannelNotifyResult(ChannelNotifyStatus.Done, "already fulfilled with this tracking number");
            }

            var byFulfillmentOrder = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
            foreach (var line in shipment.Lines)
            {
                var wanted = line.Quantity;
                var lineGid = $"gid://shopify/LineItem/{line.LineId}";
                foreach (var fo in shopifyOrder["fulfillmentOrders"]?["nodes"]?.AsArray() ?? [])
                {
                    if (fo?["status"]?.GetValue<string>() is not ("OPEN" or "IN_PROGRESS" or "SCHEDULED"))
                    {
                        continue;
                    }

                    foreach (var item in fo["lineItems"]?["nodes"]?.AsArray() ?? [])
                    {
                        var remaining = item?["remainingQuantity"]?.GetValue<int>() ?? 0;
                        if (wanted == 0 || remaining == 0 || item?["lineItem"]?["id"]?.GetValue<string>() != lineGid)
                        {
                            continue;
                        }

                        var take = Math.Min(wanted, remaining);
                        wanted -= take;
                        var foId = fo["id"]!.GetValue<string>();
                        if (!byFulfillmentOrder.TryGetValue(foId, out var items))
                        {
                            byFulfillmentOrder[foId] = items = [];
                        }

                        items.Add(new JsonObject { ["id"] = item!["id"]!.GetValue<string>(), ["quantity"] = take });
                    }
                }

                if (wanted > 0)
                {
                    return ChannelNotifyResult.Failed($"Shopify has no open fulfillment order quantity left for line {line.LineId} ({wanted} of {line.Quantity} unmatched).");
                }
            }

            var fulfillment = new JsonObject
            {
                ["lineItemsByFulfillmentOrder"] = new JsonArray(byFulfillmentOrder.Select(p => (JsonNode?)new JsonObject { ["fulfillmentOrderId"] = p.Key, ["fulfillmentOrderLineItems"] = p.Value }).ToArray()),
                ["notifyCustomer"] = options.CurrentValue.NotifyCustomerOnFulfillment,
                ["trackingInfo"] = new JsonObject { ["company"] = shipment.Carrier, ["number"] = shipment.TrackingNumber, ["url"] = shipment.TrackingUrl },
            };
            var created = await GraphQlAsync(order, FulfillmentCreateMutation, new JsonObject { ["fulfillment"] = fulfillment }, cancellationToken);
            if (created.Error is { } createError)
            {
                return ChannelNotifyResult.Failed(createError);
            }

            var userErrors = created.Data?["fulfillmentCreate"]?["userErrors"]?.AsArray();
            return userErrors is { Count: > 0 }
                ? ChannelNotifyResult.Failed("Shopify refused the fulfillment: " + string.Join("; ", userErrors.Select(e => e?["message"]?.GetValue<string>())))
                : new ChannelNotifyResult(ChannelNotifyStatus.Done, created.Data?["fulfillmentCreate"]?["fulfillment"]?["id"]?.GetValue<string>());
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or InvalidOperationException or System.Text.Json.JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ChannelNotifyResult.Failed("Shopify could not be reached: " + ex.Message);
        }
    }

    public async Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (requestedByChannel)
        {
            return ChannelNotifyResult.NotApplicable; // Shopify cancelled it itself.
        }

        try
        {
            var read = await GraphQlAsync(order, CancelledAtQuery, new JsonObject { ["id"] = OrderGid(order) }, cancellationToken);
            if (read.Error is { } readError)
            {
                return ChannelNotifyResult.Failed(readError);
            }

            if (read.Data?["order"] is not JsonObject shopifyOrder)
            {
                return ChannelNotifyResult.Failed($"Shopify has no order {order.ChannelOrderId}.");
            }

            if (shopifyOrder["cancelledAt"] is JsonValue)
            {
                return new ChannelNotifyResult(ChannelNotifyStatus.Done, "already cancelled on Shopify");
            }

            var result = await GraphQlAsync(order, OrderCancelMutation, new JsonObject { ["orderId"] = OrderGid(order), ["staffNote"] = "OrderOps: " + reason }, cancellationToken);
            if (result.Error is { } error)
            {
                return ChannelNotifyResult.Failed(error);
            }

            var userErrors = result.Data?["orderCancel"]?["orderCancelUserErrors"]?.AsArray();
            if (userErrors is { Count: > 0 })
            {
                return ChannelNotifyResult.Failed("Shopify refused the cancellation: " + string.Join("; ", userErrors.Select(e => $"{e?["code"]?.GetValue<string>()}: {e?["message"]?.GetValue<string>()}")));
            }

            return ChannelNotifyResult.Done;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or InvalidOperationException or System.Text.Json.JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ChannelNotifyResult.Failed("Shopify could not be reached: " + ex.Message);
        }
    }

    private static string OrderGid(CanonicalOrder order) => $"gid://shopify/Order/{order.ChannelOrderId}";

    private async Task<(JsonNode? Data, string? Error)> GraphQlAsync(CanonicalOrder order, string query, JsonObject variables, CancellationToken cancellationToken)
    {
        GraphQlResponse response;
        try
        {
            // The order's shop (its channel account) is the shop to tell, with that shop's own token and API version.
            response = await admin.SendAsync(order.ChannelAccount, query, variables, estimatedCost: 10, cancellationToken);
        }
        catch (ShopNotConfiguredException notConfigured)
        {
            return (null, notConfigured.Message);
        }

        return response.Succeeded ? (response.Data, null) : (null, "Shopify GraphQL errors: " + response.Describe());
    }
}
