using System.Text.Json.Nodes;

namespace OrderOps.Core.Orders;

/// <summary>
/// The one shape every channel's order is turned into (schema v1, <c>schemas/canonical-order.v1.schema.json</c>).
/// Money is <see cref="Money"/> (decimal + ISO 4217 code); times are UTC; <see cref="OrderId"/> is deterministic.
/// What a channel sends that this schema has no field for is kept verbatim in <see cref="ChannelMetadata"/>.
/// </summary>
public sealed record CanonicalOrder
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string OrderId { get; init; }

    /// <summary>One of <see cref="Channels"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>Shopify shop domain, Amazon seller id, or EDI trading-partner id.</summary>
    public required string ChannelAccount { get; init; }

    public required string ChannelOrderId { get; init; }

    /// <summary>The number a person sees (Shopify "#1001", an EDI PO number); may equal <see cref="ChannelOrderId"/>.</summary>
    public string? ChannelOrderNumber { get; init; }

    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>The channel's own last-modified time; newer wins when updates arrive out of order.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>ISO 4217 code that every <see cref="Money"/> in the order is expressed in.</summary>
    public required string Currency { get; init; }

    public Customer? Customer { get; init; }

    public Address? ShippingAddress { get; init; }

    public Address? BillingAddress { get; init; }

    public IReadOnlyList<LineItem> LineItems { get; init; } = [];

    public IReadOnlyList<ShippingLine> ShippingLines { get; init; } = [];

    public OrderTotals Totals { get; init; } = new();

    public FinancialStatus FinancialStatus { get; init; } = FinancialStatus.Unknown;

    public FulfillmentStatus FulfillmentStatus { get; init; } = FulfillmentStatus.Unfulfilled;

    /// <summary>Set when the channel reports the order cancelled.</summary>
    public Cancellation? Cancellation { get; init; }

    /// <summary>Latest time the channel expects shipment (Amazon LatestShipDate, EDI DTM ship-by); null when none.</summary>
    public DateTimeOffset? ShipBy { get; init; }

    public string? Note { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Channel fields without a canonical home, kept as the channel sent them.</summary>
    public JsonObject ChannelMetadata { get; init; } = [];
}

public sealed record Customer
{
    public string? Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }
}

public sealed record Address
{
    public string? Name { get; init; }

    public string? Company { get; init; }

    public string? Line1 { get; init; }

    public string? Line2 { get; init; }

    public string? City { get; init; }

    /// <summary>State or province code where the channel gives one (e.g. "KY"), otherwise its name.</summary>
    public string? Region { get; init; }

    public string? PostalCode { get; init; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? CountryCode { get; init; }

    public string? Phone { get; init; }
}

public sealed record LineItem
{
    /// <summary>The channel's id for this line, unique within the order.</summary>
    public required string LineId { get; init; }

    public string? Sku { get; init; }

    /// <summary>The channel's product/variant/ASIN/buyer-part id.</summary>
    public string? ChannelItemId { get; init; }

    public required string Title { get; init; }

    public required int Quantity { get; init; }

    /// <summary>Price of one unit before discounts; null where the channel has not priced the line yet (Amazon Pending).</summary>
    public Money? UnitPrice { get; init; }

    public IReadOnlyList<Discount> Discounts { get; init; } = [];

    public IReadOnlyList<Tax> Taxes { get; init; } = [];
}

public sealed record ShippingLine
{
    public required string Title { get; init; }

    public string? Code { get; init; }

    public Money? Price { get; init; }

    public IReadOnlyList<Discount> Discounts { get; init; } = [];

    public IReadOnlyList<Tax> Taxes { get; init; } = [];
}

public sealed record Discount
{
    public string? Code { get; init; }

    public string? Description { get; init; }

    public required Money Amount { get; init; }
}

public sealed record Tax
{
    public required string Title { get; init; }

    /// <summary>Fraction, e.g. 0.06 for 6 %; null where the channel gives only the amount.</summary>
    public decimal? Rate { get; init; }

    public required Money Amount { get; init; }
}

/// <summary>Order totals as the channel computed them; null members where the channel gives none.</summary>
public sealed record OrderTotals
{
    public Money? Subtotal { get; init; }

    public Money? Discounts { get; init; }

    public Money? Shipping { get; init; }

    public Money? Tax { get; init; }

    public Money? Total { get; init; }
}

public sealed record Cancellation
{
    public required DateTimeOffset CancelledAt { get; init; }

    public string? Reason { get; init; }
}

public enum FinancialStatus
{
    Unknown,
    Pending,
    Authorized,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
    Voided,
}

public enum FulfillmentStatus
{
    Unfulfilled,
    Partial,
    Fulfilled,
    Restocked,
}
