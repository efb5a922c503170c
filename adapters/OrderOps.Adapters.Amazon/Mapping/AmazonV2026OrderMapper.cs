using System.Text.Json.Nodes;
using OrderOps.Core.Orders;
using static OrderOps.Adapters.Amazon.Mapping.AmazonJson;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// Maps one Orders API v2026-01-01 <c>Order</c> (searchOrders / getOrder with the datasets of
/// <see cref="Client.OrdersIncludedData.ForMapping"/>) to a <see cref="CanonicalOrder"/>. Pure: no I/O.
/// </summary>
/// <remarks>
/// <para>Prices: <c>product.price.unitPrice</c> is the unit price. Taxes, shipping and discounts come from the item's
/// <c>proceeds.breakdowns</c> (<c>TAX</c> split by <c>detailedBreakdowns</c> subtype ITEM / SHIPPING where Amazon gives
/// the split; <c>SHIPPING</c>; <c>DISCOUNT</c>, whose size is the discount whatever sign Amazon gives it). Totals come from
/// the order's <c>proceeds</c> (grandTotal and its ITEM, SHIPPING, TAX, DISCOUNT breakdowns), falling back to the items'
/// sums. Proceeds are what the seller receives for the sale, the same amounts v0 reported as OrderTotal and ItemPrice;
/// order-level charges Amazon settles separately (DELIVERY_TIP) stay in the grand total only.</para>
/// <para>Unpriced orders (Pending): whatever Amazon leaves out stays null — nothing is invented; the currency then comes
/// from the marketplace. The next version of the order (its lastUpdatedTime changes) replaces this one.</para>
/// <para>People: <c>buyer</c> becomes the customer (name, the anonymised e-mail) and <c>recipient.deliveryAddress</c>
/// the shipping address; neither is copied into channel metadata. Cancellation: a CANCELLED order carries the items'
/// <c>cancellationExecution</c> (who and why); a buyer's <c>cancellationRequest</c> not yet executed on an open order is tagged
/// <c>cancellation-requested</c> so an operator sees it before shipping.</para>
/// </remarks>
internal static class AmazonV2026OrderMapper
{
    // Order fields with a canonical home, or personal data (buyer, recipient; tax registrations carry the buyer's
    // legal name and address, payment its payment details): everything else goes to channelMetadata as Amazon sent it.
    private static readonly HashSet<string> MappedOrderFields = new(StringComparer.Ordinal)
    {
        "orderId", "createdTime", "lastUpdatedTime", "buyer", "recipient", "proceeds", "orderItems", "tax", "payment",
    };

    private static readonly HashSet<string> MappedItemFields = new(StringComparer.Ordinal) { "orderItemId", "quantityOrdered", "proceeds" };

    public static CanonicalOrder Map(string sellerId, JsonObject order)
    {
        var orderId = RequiredText(order, "orderId");
        var placedAt = RequiredTime(order, "createdTime");
        var updatedAt = Time(order, "lastUpdatedTime") ?? placedAt;
        var fulfillment = order["fulfillment"] as JsonObject;
        var status = fulfillment is null ? null : Text(fulfillment, "fulfillmentStatus");
        var items = (order["orderItems"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var proceeds = order["proceeds"] as JsonObject;
        var grandTotal = Money(proceeds?["grandTotal"]);
        var currency = grandTotal?.Currency
            ?? items.Select(i => Money(i["product"]?["price"]?["unitPrice"]) ?? Money(i["proceeds"]?["proceedsTotal"])).FirstOrDefault(m => m is not null)?.Currency
            ?? MarketplaceCurrencies.Find(MarketplaceId(order))
            ?? throw new FormatException($"order {orderId} has no money and an unknown marketplace, so its currency is unknown.");
        var (financial, fulfillmentStatus) = AmazonOrderStatuses.Map(status);

        return new CanonicalOrder
        {
            OrderId = OrderId.Compose(Channels.Amazon, sellerId, orderId),
            Channel = Channels.Amazon,
            ChannelAccount = sellerId,
            ChannelOrderId = orderId,
            ChannelOrderNumber = orderId,
            PlacedAt = placedAt,
            UpdatedAt = updatedAt,
            Currency = currency,
            Customer = MapCustomer(order["buyer"] as JsonObject),
            ShippingAddress = AddressOf(order["recipient"]?["deliveryAddress"] as JsonObject, v0Names: false),
            LineItems = items.Select(item => MapLine(item, orderId)).ToList(),
            ShippingLines = MapShipping(fulfillment, items),
            Totals = MapTotals(proceeds, grandTotal, items),
            FinancialStatus = financial,
            FulfillmentStatus = fulfillmentStatus,
            Cancellation = status == AmazonOrderStatuses.Cancelled ? new Cancellation { CancelledAt = updatedAt, Reason = CancellationReason(items) } : null,
            ShipBy = fulfillment?["shipByWindow"] is JsonObject window ? Time(window, "latestDateTime") : null,
            Tags = Tags(order, fulfillment, items, status),
            ChannelMetadata = Metadata(order, items),
        };
    }

    /// <summary>Where the notifier finds the marketplace again (<c>salesChannel.marketplaceId</c>).</summary>
    public static string? MarketplaceId(JsonObject order) => order["salesChannel"] is JsonObject channel ? Text(channel, "marketplaceId") : null;

    private static LineItem MapLine(JsonObject item, string orderId)
    {
        var lineId = Text(item, "orderItemId") ?? throw new FormatException($"an item of order {orderId} has no orderItemId.");
        var product = item["product"] as JsonObject ?? [];
        var breakdowns = Breakdowns(item);
        var promotionIds = (item["promotion"]?["breakdowns"] as JsonArray)?.OfType<JsonObject>().Select(p => Text(p, "promotionId")).OfType<string>().ToList() ?? [];
        var discount = Sum(breakdowns.Where(b => b.Type == "DISCOUNT").Select(b => Abs(b.Subtotal)));
        var tax = TaxOf(breakdowns, "ITEM", includeUnsplit: true);
        var sku = Text(product, "sellerSku");
        var asin = Text(product, "asin");

        return new LineItem
        {
            LineId = lineId,
            Sku = sku,
            ChannelItemId = asin,
            Title = Text(product, "title") ?? sku ?? asin ?? lineId,
            Quantity = Int(item, "quantityOrdered"),
            UnitPrice = Money(product["price"]?["unitPrice"]),
            Discounts = discount is { Amount: > 0 } d
                ? [new Discount { Code = promotionIds.Count == 0 ? null : string.Join(",", promotionIds), Description = "DISCOUNT", Amount = d }]
                : [],
            Taxes = tax is { } t ? [new Tax { Title = "TAX", Amount = t }] : [],
        };
    }

    /// <summary>Amazon charges shipping per item; the order gets one shipping line with their sums.</summary>
    private static List<ShippingLine> MapShipping(JsonObject? fulfillment, IReadOnlyList<JsonObject> items)
    {
        var all = items.SelectMany(Breakdowns).ToList();
        var price = Sum(all.Where(b => b.Type == "SHIPPING").Select(b => (Money?)b.Subtotal));
        if (price is null)
        {
            return [];
        }

        var tax = Sum(items.Select(i => TaxOf(Breakdowns(i), "SHIPPING", includeUnsplit: false)));
        var level = fulfillment is null ? null : Text(fulfillment, "fulfillmentServiceLevel");
        return
        [
            new ShippingLine
            {
                Title = level ?? "Shipping",
                Code = level,
                Price = price,
                Taxes = tax is { } t ? [new Tax { Title = "TAX", Amount = t }] : [],
            },
        ];
    }

    private static OrderTotals MapTotals(JsonObject? proceeds, Money? grandTotal, List<JsonObject> items)
    {
        var orderLevel = Breakdowns(proceeds);
        var itemLevel = items.SelectMany(Breakdowns).ToList();
        Money? Total(string type, bool absolute = false)
        {
            var source = orderLevel.Any(b => b.Type == type) ? orderLevel : itemLevel;
            return Sum(source.Where(b => b.Type == type).Select(b => absolute ? Abs(b.Subtotal) : b.Subtotal));
        }

        // Subtotal from items only when every item has its ITEM amount: a partial sum would look like a real total.
        var subtotal = orderLevel.Any(b => b.Type == "ITEM") || (items.Count > 0 && items.All(i => Breakdowns(i).Any(b => b.Type == "ITEM")))
            ? Total("ITEM")
            : null;
        return new OrderTotals
        {
            Subtotal = subtotal,
            Discounts = Total("DISCOUNT", absolute: true),
            Shipping = Total("SHIPPING"),
            Tax = Total("TAX"),
            Total = grandTotal,
        };
    }

    private static Customer? MapCustomer(JsonObject? buyer)
    {
        if (buyer is null)
        {
            return null;
        }

        var customer = new Customer { Name = Text(buyer, "buyerName"), Email = Text(buyer, "buyerEmail") };
        return customer.Name is null && customer.Email is null ? null : customer;
    }

    /// <summary>Who cancelled and why, from the items' cancellationExecution (else the buyer's request).</summary>
    private static string? CancellationReason(IReadOnlyList<JsonObject> items)
    {
        foreach (var cancellation in items.Select(i => i["cancellation"]).OfType<JsonObject>())
        {
            if (cancellation["cancellationExecution"] is JsonObject execution && Text(execution, "cancelReason") is { } reason)
            {
                return Text(execution, "cancelledBy") is { } by ? $"{reason} (cancelled by {by})" : reason;
            }

            if (cancellation["cancellationRequest"] is JsonObject request && Text(request, "cancelReason") is { } requested)
            {
                return Text(request, "requester") is { } requester ? $"{requested} (requested by {requester})" : requested;
            }
        }

        return null;
    }

    private static List<string> Tags(JsonObject order, JsonObject? fulfillment, IReadOnlyList<JsonObject> items, string? status)
    {
        var tags = new List<string>();
        switch (fulfillment is null ? null : Text(fulfillment, "fulfilledBy"))
        {
            case "AMAZON":
                tags.Add("fba");
                break;
            case "MERCHANT":
                tags.Add("fbm");
                break;
        }

        var programs = (order["programs"] as JsonArray)?.Select(p => p?.ToString()).ToHashSet(StringComparer.Ordinal) ?? [];
        if (programs.Contains("PRIME"))
        {
            tags.Add("prime");
        }

        if (programs.Contains("AMAZON_BUSINESS"))
        {
            tags.Add("business");
        }

        if (programs.Contains("PREORDER") || status == AmazonOrderStatuses.PendingAvailabilityV2026)
        {
            tags.Add("preorder");
        }

        // A buyer asked to cancel and nobody has acted on it yet.
        if (status != AmazonOrderStatuses.Cancelled
            && items.Any(i => i["cancellation"] is JsonObject c && c["cancellationRequest"] is JsonObject && c["cancellationExecution"] is null))
        {
            tags.Add("cancellation-requested");
        }

        return tags;
    }

    private static JsonObject Metadata(JsonObject order, IReadOnlyList<JsonObject> items)
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in order)
        {
            if (!MappedOrderFields.Contains(name))
            {
                metadata[name] = value?.DeepClone();
            }
        }

        var itemMetadata = new JsonObject();
        foreach (var item in items)
        {
            if (Text(item, "orderItemId") is not { } id)
            {
                continue;
            }

            var extra = new JsonObject();
            foreach (var (name, value) in item)
            {
                if (!MappedItemFields.Contains(name))
                {
                    extra[name] = value?.DeepClone();
                }
            }

            itemMetadata[id] = extra;
        }

        if (itemMetadata.Count > 0)
        {
            metadata["items"] = itemMetadata;
        }

        return metadata;
    }

    private static List<(string Type, Money Subtotal, JsonArray? Details)> Breakdowns(JsonObject? owner) =>
        (owner?["proceeds"] is JsonObject itemProceeds ? itemProceeds["breakdowns"] : owner?["breakdowns"]) is JsonArray breakdowns
            ? breakdowns.OfType<JsonObject>()
                .Select(b => (Type: Text(b, "type"), Subtotal: Money(b["subtotal"]), Details: b["detailedBreakdowns"] as JsonArray))
                .Where(b => b.Type is not null && b.Subtotal is not null)
                .Select(b => (b.Type!, b.Subtotal!.Value, b.Details))
                .ToList()
            : [];

    /// <summary>The TAX amount for one subtype; with no split given, the whole TAX counts as the item's tax.</summary>
    private static Money? TaxOf(List<(string Type, Money Subtotal, JsonArray? Details)> breakdowns, string subtype, bool includeUnsplit) =>
        Sum(breakdowns.Where(b => b.Type == "TAX").Select(b => b.Details is { Count: > 0 } details
            ? Sum(details.OfType<JsonObject>().Where(d => Text(d, "subtype") == subtype).Select(d => Money(d["value"])))
            : includeUnsplit ? b.Subtotal : (Money?)null));

    private static Money? Money(JsonNode? node) => MoneyOf(node, "amount", "currencyCode");

    private static Money? Abs(Money? money) => money is { } m ? m with { Amount = Math.Abs(m.Amount) } : null;
}
