using System.Text.Json.Nodes;
using OrderOps.Core.Orders;

using static OrderOps.Adapters.Amazon.Mapping.AmazonJson;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// Maps a payload the v0 poller archived (an Orders API v0 <c>Order</c> with its <c>OrderItem</c>s, see
/// <see cref="AmazonOrderDocument.ParseV0"/>) to one <see cref="CanonicalOrder"/>: messages queued before the move to
/// v2026-01-01, and replays of older archives. Pure: no I/O.
/// </summary>
/// <remarks>
/// <para>Prices: Amazon's <c>ItemPrice</c> is the price of the whole line ("the selling price of the item multiplied
/// by the quantity ordered", excluding shipping and gift wrap), so the unit price is <c>ItemPrice / QuantityOrdered</c>
/// in <see cref="decimal"/>. When that does not divide evenly the quotient keeps decimal's full precision rather than
/// being rounded to cents; the line total as Amazon sent it stays in <c>channelMetadata.items[OrderItemId].ItemPrice</c>
/// and in <see cref="OrderTotals.Subtotal"/>, so no cent is lost.</para>
/// <para>Pending orders: Amazon documents that while an order is Pending (payment not authorised) getOrderItems returns
/// no pricing, taxes, shipping charges, gift status or promotions, and getOrders has no OrderTotal. Such lines get a
/// null <see cref="LineItem.UnitPrice"/>, no taxes or discounts, and totals stay null: nothing is invented. The order's
/// currency code then comes from its marketplace. The next poll after Amazon authorises payment re-reads the order
/// (LastUpdateDate changes) and the priced version replaces this one.</para>
/// </remarks>
internal static class AmazonV0OrderMapper
{
    // Order fields with a canonical home; everything else goes to channelMetadata. BuyerInfo and ShippingAddress are
    // personal data and are deliberately not copied into metadata.
    private static readonly HashSet<string> MappedOrderFields = new(StringComparer.Ordinal)
    {
        "AmazonOrderId", "PurchaseDate", "LastUpdateDate", "OrderTotal", "LatestShipDate", "ShippingAddress", "BuyerInfo",
    };

    private static readonly HashSet<string> MappedItemFields = new(StringComparer.Ordinal)
    {
        "OrderItemId", "SellerSKU", "ASIN", "Title", "QuantityOrdered", "ItemTax", "PromotionDiscount",
        "ShippingPrice", "ShippingTax", "ShippingDiscount", "BuyerInfo",
    };

    public static CanonicalOrder Map(string sellerId, JsonObject order, IReadOnlyList<JsonObject> items)
    {
        var amazonOrderId = RequiredText(order, "AmazonOrderId");
        var status = Text(order, "OrderStatus");
        var placedAt = RequiredTime(order, "PurchaseDate");
        var updatedAt = Time(order, "LastUpdateDate") ?? placedAt;
        var orderTotal = V0Money(order["OrderTotal"]);
        var currency = orderTotal?.Currency
            ?? items.Select(i => V0Money(i["ItemPrice"])?.Currency).FirstOrDefault(c => c is not null)
            ?? MarketplaceCurrencies.Find(Text(order, "MarketplaceId"))
            ?? throw new FormatException($"order {amazonOrderId} has no money and an unknown marketplace, so its currency is unknown.");

        var lines = items.Select(item => MapLine(item, amazonOrderId)).ToList();
        var (financial, fulfillment) = AmazonOrderStatuses.Map(status);

        return new CanonicalOrder
        {
            OrderId = OrderId.Compose(Channels.Amazon, sellerId, amazonOrderId),
            Channel = Channels.Amazon,
            ChannelAccount = sellerId,
            ChannelOrderId = amazonOrderId,
            ChannelOrderNumber = amazonOrderId,
            PlacedAt = placedAt,
            UpdatedAt = updatedAt,
            Currency = currency,
            Customer = MapCustomer(order["BuyerInfo"] as JsonObject),
            ShippingAddress = AddressOf(order["ShippingAddress"] as JsonObject, v0Names: true),
            LineItems = lines,
            ShippingLines = MapShipping(order, items),
            Totals = MapTotals(items, orderTotal),
            FinancialStatus = financial,
            FulfillmentStatus = fulfillment,
            Cancellation = status == AmazonOrderStatuses.Canceled
                ? new Cancellation { CancelledAt = updatedAt } // Amazon gives no order-level cancel time or reason.
                : null,
            ShipBy = Time(order, "LatestShipDate"),
            Tags = Tags(order),
            ChannelMetadata = Metadata(order, items),
        };
    }

    private static LineItem MapLine(JsonObject item, string amazonOrderId)
    {
        var lineId = Text(item, "OrderItemId") ?? throw new FormatException($"an item of order {amazonOrderId} has no OrderItemId.");
        var quantity = Int(item, "QuantityOrdered");
        var linePrice = V0Money(item["ItemPrice"]);
        var discount = V0Money(item["PromotionDiscount"]);
        var tax = V0Money(item["ItemTax"]);
        var promotionIds = item["PromotionIds"] is JsonArray ids ? string.Join(",", ids.Select(i => i?.ToString())) : null;

        return new LineItem
        {
            LineId = lineId,
            Sku = Text(item, "SellerSKU"),
            ChannelItemId = Text(item, "ASIN"),
            Title = Text(item, "Title") ?? Text(item, "SellerSKU") ?? Text(item, "ASIN") ?? lineId,
            Quantity = quantity,
            // ItemPrice covers the whole quantity. No unit price without a price or a positive quantity.
            UnitPrice = linePrice is { } price && quantity > 0 ? price with { Amount = price.Amount / quantity } : null,
            Discounts = discount is { Amount: > 0 } d
                ? [new Discount { Code = string.IsNullOrEmpty(promotionIds) ? null : promotionIds, Description = "PromotionDiscount", Amount = d }]
                : [],
            Taxes = tax is { } t ? [new Tax { Title = "ItemTax", Amount = t }] : [],
        };
    }

    /// <summary>Amazon prices shipping per item; the order gets one shipping line with their sums.</summary>
    private static List<ShippingLine> MapShipping(JsonObject order, IReadOnlyList<JsonObject> items)
    {
        var prices = items.Select(i => V0Money(i["ShippingPrice"])).OfType<Money>().ToList();
        if (prices.Count == 0)
        {
            return [];
        }

        var discount = Sum(items.Select(i => V0Money(i["ShippingDiscount"])));
        var tax = Sum(items.Select(i => V0Money(i["ShippingTax"])));
        return
        [
            new ShippingLine
            {
                Title = Text(order, "ShipServiceLevel") ?? Text(order, "ShipmentServiceLevelCategory") ?? "Shipping",
                Code = Text(order, "ShipmentServiceLevelCategory"),
                Price = Sum(prices.Cast<Money?>()),
                Discounts = discount is { Amount: > 0 } d ? [new Discount { Description = "ShippingDiscount", Amount = d }] : [],
                Taxes = tax is { } t ? [new Tax { Title = "ShippingTax", Amount = t }] : [],
            },
        ];
    }

    private static OrderTotals MapTotals(IReadOnlyList<JsonObject> items, Money? orderTotal)
    {
        var itemTaxes = items.Select(i => V0Money(i["ItemTax"])).Concat(items.Select(i => V0Money(i["ShippingTax"])));
        var discounts = items.Select(i => V0Money(i["PromotionDiscount"])).Concat(items.Select(i => V0Money(i["ShippingDiscount"])));
        return new OrderTotals
        {
            // Subtotal only when every line is priced: a partial sum would look like a real total.
            Subtotal = items.Count > 0 && items.All(i => V0Money(i["ItemPrice"]) is not null) ? Sum(items.Select(i => V0Money(i["ItemPrice"]))) : null,
            Discounts = Sum(discounts),
            Shipping = Sum(items.Select(i => V0Money(i["ShippingPrice"]))),
            Tax = Sum(itemTaxes),
            Total = orderTotal,
        };
    }

    private static Customer? MapCustomer(JsonObject? buyer)
    {
        if (buyer is null)
        {
            return null;
        }

        var customer = new Customer { Name = Text(buyer, "BuyerName"), Email = Text(buyer, "BuyerEmail") };
        return customer.Name is null && customer.Email is null ? null : customer;
    }

    private static List<string> Tags(JsonObject order)
    {
        var tags = new List<string>();
        if (Text(order, "FulfillmentChannel") is { } channel)
        {
            tags.Add(channel == "AFN" ? "fba" : "fbm"); // AFN: fulfilled by Amazon; MFN: by the seller.
        }

        if (Bool(order, "IsPrime"))
        {
            tags.Add("prime");
        }

        if (Bool(order, "IsBusinessOrder"))
        {
            tags.Add("business");
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
            var extra = new JsonObject();
            foreach (var (name, value) in item)
            {
                if (!MappedItemFields.Contains(name))
                {
                    extra[name] = value?.DeepClone();
                }
            }

            if (Text(item, "OrderItemId") is { } id)
            {
                itemMetadata[id] = extra;
            }
        }

        if (itemMetadata.Count > 0)
        {
            metadata["items"] = itemMetadata;
        }

        return metadata;
    }

    private static Money? V0Money(JsonNode? node) => MoneyOf(node, "Amount", "CurrencyCode");
}
