namespace OrderOps.Adapters.Amazon.Client;

/// <summary>SP-API operations this adapter calls; each has its own usage plan and therefore its own rate limiter.</summary>
public static class SpApiOperations
{
    public const string SearchOrders = "searchOrders";
    public const string GetOrder = "getOrder";
    public const string ConfirmShipment = "confirmShipment";
    public const string CreateFeedDocument = "createFeedDocument";
    public const string CreateFeed = "createFeed";
    public const string GetFeed = "getFeed";
    public const string GetFeedDocument = "getFeedDocument";
}

/// <summary>
/// What the message handlers need to know about a request: whose token to attach, which circuit breaker and which
/// rate limiter apply. Carried in <see cref="HttpRequestMessage.Options"/>, never in headers or the URL.
/// </summary>
internal static class SpApiRequest
{
    public static readonly HttpRequestOptionsKey<string> SellerId = new("OrderOps.Amazon.SellerId");
    public static readonly HttpRequestOptionsKey<string> Operation = new("OrderOps.Amazon.Operation");

    public static string GetSellerId(HttpRequestMessage request) =>
        request.Options.TryGetValue(SellerId, out var sellerId)
            ? sellerId
            : throw new InvalidOperationException("SP-API request without a seller id; send it through an SP-API client of this adapter.");

    public static string GetOperation(HttpRequestMessage request) =>
        request.Options.TryGetValue(Operation, out var operation)
            ? operation
            : throw new InvalidOperationException("SP-API request without an operation name; send it through an SP-API client of this adapter.");
}
