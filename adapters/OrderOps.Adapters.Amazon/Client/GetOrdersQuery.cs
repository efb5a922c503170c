using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>getOrders parameters this adapter uses. Times are sent in UTC, ISO 8601.</summary>
public sealed record GetOrdersQuery
{
    public required IReadOnlyList<string> MarketplaceIds { get; init; }

    public DateTimeOffset? LastUpdatedAfter { get; init; }

    /// <summary>Must be at least two minutes before the request (Amazon rejects later values).</summary>
    public DateTimeOffset? LastUpdatedBefore { get; init; }

    public int? MaxResultsPerPage { get; init; }

    /// <summary>Token of the previous page; when set Amazon returns the next page of the same query.</summary>
    public string? NextToken { get; init; }
}

/// <summary>One page of getOrders. Orders are kept as Amazon sent them, so archiving loses nothing.</summary>
public sealed record GetOrdersPage(IReadOnlyList<JsonObject> Orders, string? NextToken);

/// <summary>One page of getOrderItems.</summary>
public sealed record OrderItemsPage(IReadOnlyList<JsonObject> OrderItems, string? NextToken);
