using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Tests.Fake;
using Polly.CircuitBreaker;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>The client through its real handler chain (DI as a host wires it) against the fake SP-API.</summary>
public sealed class SellingPartnerOrdersClientTests
{
    private static readonly SearchOrdersQuery Query = new()
    {
        MarketplaceIds = [AmazonTestHost.Marketplace],
        LastUpdatedAfter = DateTimeOffset.UtcNow.AddDays(-1),
        LastUpdatedBefore = DateTimeOffset.UtcNow.AddMinutes(-2),
    };

    [Fact]
    public async Task Retries_a_429_after_the_Retry_After_amazon_sent_and_adopts_its_rate_header()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(1);
        host.Fake.RateLimitHeaders = new() { ["searchOrders"] = "7.5" };
        host.Fake.EnqueueFault("searchOrders", new Fault(HttpStatusCode.TooManyRequests, RetryAfter: "30"));

        var page = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Single(page.Orders);
        Assert.Equal(2, host.Fake.RequestCount("searchOrders"));
        Assert.Contains(TimeSpan.FromSeconds(30), host.Time.RequestedDelays); // The retry waited what Amazon asked.
        var limiter = host.Services.GetRequiredService<SpApiRateLimiterRegistry>().Get(AmazonTestHost.SellerA, SpApiOperations.SearchOrders);
        Assert.Equal(7.5, limiter.TokensPerSecond);
    }

    [Fact]
    public async Task Retries_server_errors_with_backoff()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(2);
        host.Fake.EnqueueFault("searchOrders", new Fault(HttpStatusCode.InternalServerError));
        host.Fake.EnqueueFault("searchOrders", new Fault(HttpStatusCode.ServiceUnavailable));

        var page = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Equal(2, page.Orders.Count);
        Assert.Equal(3, host.Fake.RequestCount("searchOrders"));
    }

    [Fact]
    public async Task Gives_up_with_amazons_error_when_retries_are_exhausted()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.FailSeller(AmazonTestHost.SellerA, new Fault(HttpStatusCode.ServiceUnavailable));

        var error = await Assert.ThrowsAsync<SellingPartnerApiException>(() => host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("InternalFailure", error.Errors[0].Code);
        Assert.Equal(4, host.Fake.RequestCount("searchOrders")); // 1 + MaxRetryAttempts (3).
    }

    [Fact]
    public async Task Reports_amazons_published_400_error_precisely_and_does_not_retry_it()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.EnqueueFault("searchOrders", new Fault(HttpStatusCode.BadRequest, Body: Fixtures.SearchOrdersBadRequestBody()));

        var error = await Assert.ThrowsAsync<SellingPartnerApiException>(() => host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(SpApiOperations.SearchOrders, error.Operation);
        var amazon = Assert.Single(error.Errors);
        Assert.Equal(("InvalidInput", "Invalid Input"), (amazon.Code, amazon.Message));
        Assert.NotNull(error.RequestId);
        Assert.Equal(1, host.Fake.RequestCount("searchOrders"));
    }

    [Fact]
    public async Task Refreshes_the_token_and_resends_when_amazon_says_it_expired()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(1);
        await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default);
        host.Fake.ExpireTokenOnRequest = 2;

        var page = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Single(page.Orders);
        Assert.Equal(2, host.Fake.TokenRequests);
        Assert.Equal(3, host.Fake.RequestCount("searchOrders"));
    }

    [Fact]
    public async Task Sends_searchOrders_the_parameters_the_model_defines_and_reads_its_pagination()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(3);

        var first = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query with { MaxResultsPerPage = 2, IncludedData = OrdersIncludedData.ForMapping }, default);
        var second = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query with { MaxResultsPerPage = 2, IncludedData = OrdersIncludedData.ForMapping, PaginationToken = first.NextToken }, default);

        Assert.Equal((2, 1), (first.Orders.Count, second.Orders.Count));
        Assert.Null(second.NextToken);
        var query = host.Fake.Requests.First().Query;
        Assert.Contains("lastUpdatedAfter=", query, StringComparison.Ordinal);
        Assert.Contains("lastUpdatedBefore=", query, StringComparison.Ordinal);
        Assert.Contains("marketplaceIds=ATVPDKIKX0DER", query, StringComparison.Ordinal);
        Assert.Contains("maxResultsPerPage=2", query, StringComparison.Ordinal);
        Assert.Contains("includedData=BUYER%2CRECIPIENT%2CPROCEEDS%2CPROMOTION%2CCANCELLATION%2CFULFILLMENT", query, StringComparison.Ordinal);
        Assert.Contains("paginationToken=", host.Fake.Requests.Last().Query, StringComparison.Ordinal);
        Assert.NotNull(first.Orders[0]["recipient"]); // Asked for, so Amazon (the fake, per the model) includes it.
    }

    [Fact]
    public async Task Reads_one_order_with_getOrder_and_only_the_datasets_asked_for()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var published = Fixtures.GetOrderSandbox()[0]!;
        host.Fake.AddOrder(AmazonTestHost.SellerA, (JsonObject)published["response"]!["order"]!);
        var orderId = published["request"]!["parameters"]!["orderId"]!["value"]!.GetValue<string>();

        var order = await host.Client.GetOrderAsync(AmazonTestHost.SellerA, orderId, [OrdersIncludedData.Fulfillment], default);

        Assert.Equal(orderId, order["orderId"]!.GetValue<string>());
        Assert.Equal("UNSHIPPED", order["fulfillment"]!["fulfillmentStatus"]!.GetValue<string>());
        Assert.Null(order["buyer"]);
        Assert.Contains("includedData=FULFILLMENT", Assert.Single(host.Fake.Requests).Query, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<SellingPartnerApiException>(() => host.Client.GetOrderAsync(AmazonTestHost.SellerA, "000-0000000-0000000", [], default));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_circuit_breaker_opens_for_the_failing_account_only()
    {
        await using var host = await AmazonTestHost.StartAsync(
            settings =>
            {
                settings["Channels:Amazon:CircuitBreaker:MinimumThroughput"] = "2";
                settings["Channels:Amazon:CircuitBreaker:FailureRatio"] = "0.5";
                settings["Channels:Amazon:Retry:MaxRetryAttempts"] = "1";
            },
            twoSellers: true);
        host.SeedOrders(1, AmazonTestHost.SellerB);
        host.Fake.FailSeller(AmazonTestHost.SellerA, new Fault(HttpStatusCode.InternalServerError));

        await Assert.ThrowsAnyAsync<Exception>(() => host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default));
        var callsWhenOpened = host.Fake.RequestCount("searchOrders", AmazonTestHost.SellerA);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.SearchOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(callsWhenOpened, host.Fake.RequestCount("searchOrders", AmazonTestHost.SellerA)); // Failed fast, nothing sent.
        var other = await host.Client.SearchOrdersAsync(AmazonTestHost.SellerB, Query, default);
        Assert.Single(other.Orders);
    }

    [Fact]
    public void Builds_amazon_query_strings()
    {
        var uri = SellingPartnerOrdersClient.BuildUri(
            new Uri("https://sellingpartnerapi-na.amazon.com"),
            "orders/2026-01-01/orders",
            [("marketplaceIds", "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"), ("lastUpdatedAfter", SellingPartnerOrdersClient.FormatTime(DateTimeOffset.Parse("2026-01-01T10:00:00+01:00")))]);

        Assert.Equal(
            "https://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER%2CA2EUQ1WTGCTBG2&lastUpdatedAfter=2026-01-01T09%3A00%3A00Z",
            uri.AbsoluteUri);
    }
}
