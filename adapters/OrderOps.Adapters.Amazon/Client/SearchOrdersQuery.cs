using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// searchOrders parameters this adapter uses (Orders API v2026-01-01, <c>GET /orders/2026-01-01/orders</c>). Times are
/// sent in UTC, ISO 8601; arrays as comma-separated values (the model declares no collectionFormat, so Swagger's csv).
/// </summary>
public sealed record SearchOrdersQuery
{
    public required IReadOnlyList<string> MarketplaceIds { get; init; }

    public required DateTimeOffset LastUpdatedAfter { get; init; }

    /// <summary>Must be at least two minutes before the request (Amazon rejects later values).</summary>
    public DateTimeOffset? LastUpdatedBefore { get; init; }

    /// <summary>1 to 100 (Amazon's default 100).</summary>
    public int? MaxResultsPerPage { get; init; }

    /// <summary>The previous page's <c>pagination.nextToken</c>; Amazon wants every other parameter repeated with it.</summary>
    public string? PaginationToken { get; init; }

    /// <summary>Datasets to include (<see cref="OrdersIncludedData"/>); none means Amazon's bare order.</summary>
    public IReadOnlyList<string> IncludedData { get; init; } = [];
}

/// <summary>One page of searchOrders. Orders are kept as Amazon sent them, so archiving loses nothing.</summary>
public sealed record SearchOrdersPage(IReadOnlyList<JsonObject> Orders, string? NextToken);

/// <summary>The <c>includedData</c> datasets of Orders API v2026-01-01 this adapter asks for.</summary>
public static class OrdersIncludedData
{
    public const string Buyer = "BUYER";
    public const string Recipient = "RECIPIENT";
    public const string Proceeds = "PROCEEDS";
    public const string Promotion = "PROMOTION";
    public const string Cancellation = "CANCELLATION";
    public const string Fulfillment = "FULFILLMENT";

    /// <summary>
    /// What the canonical order needs: buyer and recipient (name, e-mail, delivery address; no Restricted Data Token in
    /// this version), proceeds (prices, taxes, shipping, totals), promotions, cancellation requests and execution, and
    /// fulfillment (status, fulfilled by, ship-by window, quantities shipped). Not asked: EXPENSE, PACKAGES, TAX
    /// (registrations), PAYMENT and FULFILLMENT_ORDERS, which the canonical order has no place for.
    /// </summary>
    public static IReadOnlyList<string> ForMapping { get; } = [Buyer, Recipient, Proceeds, Promotion, Cancellation, Fulfillment];
}
