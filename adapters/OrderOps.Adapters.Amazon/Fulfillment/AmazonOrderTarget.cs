using System.Text.Json.Nodes;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Which Amazon order a canonical order is, as <see cref="Mapping.AmazonOrderMapper"/> recorded it: seller id in
/// <see cref="CanonicalOrder.ChannelAccount"/>, AmazonOrderId in <see cref="CanonicalOrder.ChannelOrderId"/>, and the
/// Order fields without a canonical home (MarketplaceId, FulfillmentChannel, OrderStatus) in channel metadata.
/// </summary>
internal sealed record AmazonOrderTarget(string SellerId, string AmazonOrderId, string MarketplaceId, string? FulfillmentChannel, string? OrderStatus)
{
    /// <summary>Fulfilled by Amazon (FBA): Amazon ships and cancels it itself.</summary>
    public bool IsFulfilledByAmazon => FulfillmentChannel == "AFN";

    /// <summary>The target, or why the order cannot be addressed at Amazon (never a guess).</summary>
    public static (AmazonOrderTarget? Target, string? Problem) Resolve(CanonicalOrder order, AmazonOptions options)
    {
        if (!options.Accounts.TryGetValue(order.ChannelAccount, out var account))
        {
            return (null, $"No Amazon account is configured for seller '{order.ChannelAccount}' (Channels:Amazon:Accounts:{order.ChannelAccount}, with ClientId and ClientSecret), so Amazon was not told.");
        }

        // The marketplace the order was placed in; only an account with a single marketplace can stand in for it.
        var marketplace = Text(order.ChannelMetadata, "MarketplaceId")
            ?? (account.MarketplaceIds.Count == 1 ? account.MarketplaceIds[0] : null);
        if (marketplace is null)
        {
            return (null, $"Amazon order {order.ChannelOrderId} carries no MarketplaceId and seller '{order.ChannelAccount}' has several marketplaces, so the marketplace to tell is unknown.");
        }

        return (new AmazonOrderTarget(order.ChannelAccount, order.ChannelOrderId, marketplace,
            Text(order.ChannelMetadata, "FulfillmentChannel"), Text(order.ChannelMetadata, "OrderStatus")), null);
    }

    private static string? Text(JsonObject metadata, string name) =>
        metadata[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
}
