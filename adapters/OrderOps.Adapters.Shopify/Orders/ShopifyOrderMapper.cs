using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Shopify.Orders;

/// <summary>
/// Maps Shopify's REST Order resource (the body of the orders/* webhooks) to the canonical order. Amounts are taken in
/// the shop currency (<c>*_set.shop_money</c>, falling back to the plain string fields); times are converted to UTC.
/// Every top-level field not mapped is kept in <c>channelMetadata</c>, and every unmapped line-item field under
/// <c>channelMetadata.lineItems[lineId]</c>.
/// </summary>
public sealed class ShopifyOrderMapper : IChannelOrderMapper
{
    private static readonly HashSet<string> MappedOrderFields =
    [
        "id", "name", "created_at", "updated_at", "currency", "email", "contact_email", "phone", "customer",
        "shipping_address", "billing_address", "line_items", "shipping_lines", "subtotal_price", "subtotal_price_set",
        "total_discounts", "total_discounts_set", "total_shipping_price_set", "total_tax", "total_tax_set", "total_price",
        "total_price_set", "financial_status", "fulfillment_status", "cancelled_at", "cancel_reason", "note", "tags",
    ];

    private static readonly HashSet<string> MappedLineFields =
    [
        "id", "sku", "variant_id", "product_id", "name", "title", "quantity", "price", "price_set", "discount_allocations", "tax_lines",
    ];

    public string Channel => Channels.Shopify;

    public IReadOnlyList<CanonicalOrder> Map(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var shop = payload.Account?.ToLowerInvariant();
        if (string.IsNullOrEmpty(shop))
        {
            throw new ChannelPayloadException("The payload has no shop domain (X-Shopify-Shop-Domain).");
        }

        JsonObject order;
        try
        {
            order = JsonNode.Parse(payload.Body.Span) as JsonObject ?? throw new ChannelPayloadException("The body is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ChannelPayloadException($"The body is not valid JSON: {ex.Message}", ex);
        }

        try
        {
            return [MapOrder(order, shop)];
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException or OverflowException or ArgumentException)
        {
            throw new ChannelPayloadException($"The order cannot be mapped: {ex.Message}", ex);
        }
    }

    private static CanonicalOrder MapOrder(JsonObject order, string shop)
    {
        var channelOrderId = Id(order["id"]) ?? throw new ChannelPayloadException("The order has no id.");
        var currency = Text(order["currency"]) ?? throw new ChannelPayloadException("The order has no currency.");
        var placedAt = Time(order["created_at"]) ?? throw new ChannelPayloadException("The order has no created_at.");
        var updatedAt = Time(order["updated_at"]) ?? placedAt;
        var discountCodes = DiscountCodes(order);

        var metadata = new JsonObject();
        foreach (var name in order.Select(p => p.Key).Where(n => !MappedOrderFields.Contains(n)).ToList())
        {
            // Moved, not cloned: the parsed document is ours and is dropped after mapping.
            metadata[name] = Detach(order, name);
        }

        var lines = new List<LineItem>();
        var lineMetadata = new JsonObject();
        foreach (var node in order["line_items"] as JsonArray ?? [])
        {
            if (node is not JsonObject line)
            {
                throw new ChannelPayloadException("A line item is not an object.");
            }

            var lineId = Id(line["id"]) ?? throw new ChannelPayloadException("A line item has no id.");
            lines.Add(new LineItem
            {
                LineId = lineId,
                Sku = NonEmpty(Text(line["sku"])),
                ChannelItemId = Id(line["variant_id"]) ?? Id(line["product_id"]),
                Title = NonEmpty(Text(line["name"])) ?? NonEmpty(Text(line["title"])) ?? lineId,
                Quantity = line["quantity"]?.GetValue<int>() ?? 0,
                UnitPrice = Amount(line, "price", currency),
                Discounts = Allocations(line["discount_allocations"], discountCodes, currency),
                Taxes = Taxes(line["tax_lines"], currency),
            });
            var extra = new JsonObject();
            foreach (var name in line.Select(p => p.Key).Where(n => !MappedLineFields.Contains(n)).ToList())
            {
                extra[name] = Detach(line, name);
            }

            lineMetadata[lineId] = extra;
        }

        if (lineMetadata.Count > 0)
        {
            metadata["lineItems"] = lineMetadata;
        }

        var cancelledAt = Time(order["cancelled_at"]);
        return new CanonicalOrder
        {
            OrderId = OrderId.Compose(Channels.Shopify, shop, channelOrderId),
            Channel = Channels.Shopify,
            ChannelAccount = shop,
            ChannelOrderId = channelOrderId,
            ChannelOrderNumber = NonEmpty(Text(order["name"])),
            PlacedAt = placedAt,
            UpdatedAt = updatedAt,
            Currency = currency,
            Customer = Customer(order),
            ShippingAddress = Address(order["shipping_address"] as JsonObject),
            BillingAddress = Address(order["billing_address"] as JsonObject),
            LineItems = lines,
            ShippingLines = ShippingLines(order["shipping_lines"], discountCodes, currency),
            Totals = new OrderTotals
            {
                Subtotal = Amount(order, "subtotal_price", currency),
                Discounts = Amount(order, "total_discounts", currency),
                Shipping = Amount(order, "total_shipping_price", currency),
                Tax = Amount(order, "total_tax", currency),
                Total = Amount(order, "total_price", currency),
            },
            FinancialStatus = FinancialStatusOf(Text(order["financial_status"])),
            FulfillmentStatus = FulfillmentStatusOf(Text(order["fulfillment_status"])),
            Cancellation = cancelledAt is { } at ? new Cancellation { CancelledAt = at, Reason = NonEmpty(Text(order["cancel_reason"])) } : null,
            Note = NonEmpty(Text(order["note"])),
            Tags = (Text(order["tags"]) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ChannelMetadata = metadata,
        };
    }

    private static JsonNode? Detach(JsonObject owner, string name)
    {
        owner.Remove(name, out var value);
        return value;
    }

    private static Customer? Customer(JsonObject order)
    {
        var customer = order["customer"] as JsonObject;
        var billing = order["billing_address"] as JsonObject;
        var name = JoinName(Text(customer?["first_name"]), Text(customer?["last_name"])) ?? NonEmpty(Text(billing?["name"]));
        var email = NonEmpty(Text(order["email"])) ?? NonEmpty(Text(order["contact_email"])) ?? NonEmpty(Text(customer?["email"]));
        var phone = NonEmpty(Text(order["phone"])) ?? NonEmpty(Text(customer?["phone"]));
        return name is null && email is null && phone is null ? null : new Customer { Name = name, Email = email, Phone = phone };
    }

    private static Address? Address(JsonObject? address) => address is null ? null : new Address
    {
        Name = NonEmpty(Text(address["name"])) ?? JoinName(Text(address["first_name"]), Text(address["last_name"])),
        Company = NonEmpty(Text(address["company"])),
        Line1 = NonEmpty(Text(address["address1"])),
        Line2 = NonEmpty(Text(address["address2"])),
        City = NonEmpty(Text(address["city"])),
        Region = NonEmpty(Text(address["province_code"])) ?? NonEmpty(Text(address["province"])),
        PostalCode = NonEmpty(Text(address["zip"])),
        CountryCode = NonEmpty(Text(address["country_code"]))?.ToUpperInvariant(),
        Phone = NonEmpty(Text(address["phone"])),
    };

    private static List<ShippingLine> ShippingLines(JsonNode? node, IReadOnlyList<string?> discountCodes, string currency)
    {
        var result = new List<ShippingLine>();
        foreach (var item in node as JsonArray ?? [])
        {
            if (item is not JsonObject line || line["is_removed"]?.GetValue<bool>() == true)
            {
                continue;
            }

            result.Add(new ShippingLine
            {
                Title = NonEmpty(Text(line["title"])) ?? NonEmpty(Text(line["code"])) ?? "Shipping",
                Code = NonEmpty(Text(line["code"])),
                Price = Amount(line, "price", currency),
                Discounts = Allocations(line["discount_allocations"], discountCodes, currency),
                Taxes = Taxes(line["tax_lines"], currency),
            });
        }

        return result;
    }

    private static List<Discount> Allocations(JsonNode? node, IReadOnlyList<string?> discountCodes, string currency)
    {
        var result = new List<Discount>();
        foreach (var item in node as JsonArray ?? [])
        {
            if (item is not JsonObject allocation || Amount(allocation, "amount", currency) is not { } amount)
            {
                continue;
            }

            var index = allocation["discount_application_index"]?.GetValue<int>();
            var code = index is { } i && i >= 0 && i < discountCodes.Count ? discountCodes[i] : null;
            result.Add(new Discount { Code = code, Amount = amount });
        }

        return result;
    }

    private static List<Tax> Taxes(JsonNode? node, string currency)
    {
        var result = new List<Tax>();
        foreach (var item in node as JsonArray ?? [])
        {
            if (item is JsonObject tax && Amount(tax, "price", currency) is { } amount)
            {
                result.Add(new Tax { Title = NonEmpty(Text(tax["title"])) ?? "Tax", Rate = Decimal(tax["rate"]), Amount = amount });
            }
        }

        return result;
    }

    /// <summary>The code (or title) of each discount application, by index, as discount_allocations refer to them.</summary>
    private static List<string?> DiscountCodes(JsonObject order) =>
        (order["discount_applications"] as JsonArray ?? []).Select(a => NonEmpty(Text(a?["code"])) ?? NonEmpty(Text(a?["title"]))).ToList();

    /// <summary>The shop-currency amount of a money field: <c>{name}_set.shop_money</c>, else the plain <c>{name}</c> string.</summary>
    private static Money? Amount(JsonObject owner, string name, string currency)
    {
        if (owner[name + "_set"]?["shop_money"] is JsonObject shopMoney && Decimal(shopMoney["amount"]) is { } setAmount)
        {
            return new Money(setAmount, Text(shopMoney["currency_code"]) ?? currency);
        }

        return Decimal(owner[name]) is { } amount ? new Money(amount, currency) : null;
    }

    private static decimal? Decimal(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<decimal>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s =>
            decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        Text(node) is { Length: > 0 } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime()
            : null;

    /// <summary>Shopify ids are JSON numbers (64-bit); some payloads quote them.</summary>
    private static string? Id(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>().ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => NonEmpty(v.GetValue<string>()),
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? JoinName(string? first, string? last) => NonEmpty(string.Join(' ', new[] { first, last }.Where(p => !string.IsNullOrWhiteSpace(p))));

    private static FinancialStatus FinancialStatusOf(string? status) => status switch
    {
        "pending" => FinancialStatus.Pending,
        "authorized" => FinancialStatus.Authorized,
        "partially_paid" => FinancialStatus.PartiallyPaid,
        "paid" => FinancialStatus.Paid,
        "partially_refunded" => FinancialStatus.PartiallyRefunded,
        "refunded" => FinancialStatus.Refunded,
        "voided" or "expired" => FinancialStatus.Voided,
        _ => FinancialStatus.Unknown,
    };

    private static FulfillmentStatus FulfillmentStatusOf(string? status) => status switch
    {
        "fulfilled" => FulfillmentStatus.Fulfilled,
        "partial" => FulfillmentStatus.Partial,
        "restocked" => FulfillmentStatus.Restocked,
        _ => FulfillmentStatus.Unfulfilled,
    };
}
