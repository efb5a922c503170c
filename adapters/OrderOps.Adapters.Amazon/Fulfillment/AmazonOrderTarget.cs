using System.Text.Json.Nodes;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Which Amazon order a canonical order is, as <see cref="Mapping.AmazonOrderMapper"/> recorded it: seller id in
/// <see cref="CanonicalOrder.ChannelAccount"/>, the order id in <see cref="CanonicalOrder.ChannelOrderId"/>, and the
/// Order fields without a canonical home in channel metadata: v2026-01-01 <c>salesChannel.marketplaceId</c>,
/// <c>fulfillment.fulfilledBy</c> and <c>fulfillment.fulfillmentStatus</c>, or, for orders mapped from v0 before the
/// move (they live for weeks), v0 <c>MarketplaceId</c>, <c>FulfillmentChannel</c> and <c>OrderStatus</c>.
/// </summary>
internal sealed record AmazonOrderTarget(string SellerId, string AmazonOrderId, string MarketplaceId, bool IsFulfilledByAmazon, string? OrderStatus)
{

    /// <summary>The target, or why the order cannot be addressed at Amazon (never a guess).</summary>
    public static (AmazonOrderTarget? Target, string? Problem) Resolve(CanonicalOrder order, AmazonOptions options)
    {
        if (!options.Accounts.TryGetValue(order.ChannelAccount, out var account))
        {
            return (null, $"No Amazon account is configured for seller '{order.ChannelAccount}' (Channels:Amazon:Accounts:{order.ChannelAccount}, with ClientId and ClientSecret), so Amazon was not told.");
        }

        // The marketplace the order was placed in; only an account with a single marketplace can stand in for it.
        var metadata = order.ChannelMetadata;
        var fulfillment = metadata["fulfillment"] as JsonObject;
        var marketplace = (metadata["salesChannel"] is JsonObject channel ? Text(channel, "marketplaceId") : null)
            ?? Text(metadata, "MarketplaceId")
            ?? (account.MarketplaceIds.Count == 1 ? account.MarketplaceIds[0] : null);
        if (marketplace is null)
        {
            return (null, $"Amazon order {order.ChannelOrderId} carries no MarketplaceId and seller '{order.ChannelAccount}' has several marketplaces, so the marketplace to tell is unknown.");
        }

        var byAmazon = (fulfillment is not null && Text(fulfillment, "fulfilledBy") == "AMAZON") || Text(metadata, "FulfillmentChannel") == "AFN";
        var status = (fulfillment is null ? null : Text(fulfillment, "fulfillmentStatus")) ?? Text(metadata, "OrderStatus");
        return (new AmazonOrderTarget(order.ChannelAccount, order.ChannelOrderId, marketplace, byAmazon, status), null);
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
}
