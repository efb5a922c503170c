using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Tests.Fake;
using Polly.CircuitBreaker;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>The client through its real handler chain (DI as a host wires it) against the fake SP-API.</summary>
public sealed class SellingPartnerOrdersClientTests
{
    private static readonly GetOrdersQuery Query = new()
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
        host.Fake.RateLimitHeaders = new() { ["getOrders"] = "7.5" };
        host.Fake.EnqueueFault("getOrders", new Fault(HttpStatusCode.TooManyRequests, RetryAfter: "30"));

        var page = await host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Single(page.Orders);
        Assert.Equal(2, host.Fake.RequestCount("getOrders"));
        Assert.Contains(TimeSpan.FromSeconds(30), host.Time.RequestedDelays); // The retry waited what Amazon asked.
        var limiter = host.Services.GetRequiredService<SpApiRateLimiterRegistry>().Get(AmazonTestHost.SellerA, SpApiOperations.GetOrders);
        Assert.Equal(7.5, limiter.TokensPerSecond);
    }

    [Fact]
    public async Task Retries_server_errors_with_backoff()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(2);
        host.Fake.EnqueueFault("getOrders", new Fault(HttpStatusCode.InternalServerError));
        host.Fake.EnqueueFault("getOrders", new Fault(HttpStatusCode.ServiceUnavailable));

        var page = await host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Equal(2, page.Orders.Count);
        Assert.Equal(3, host.Fake.RequestCount("getOrders"));
    }

    [Fact]
    public async Task Gives_up_with_amazons_error_when_retries_are_exhausted()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.FailSeller(AmazonTestHost.SellerA, new Fault(HttpStatusCode.ServiceUnavailable));

        var error = await Assert.ThrowsAsync<SellingPartnerApiException>(() => host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("InternalFailure", error.Errors[0].Code);
        Assert.Equal(4, host.Fake.RequestCount("getOrders")); // 1 + MaxRetryAttempts (3).
    }

    [Fact]
    public async Task Reports_amazons_published_400_error_precisely_and_does_not_retry_it()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.EnqueueFault("getOrders", new Fault(HttpStatusCode.BadRequest, Body: Fixtures.BadRequestBody()));

        var error = await Assert.ThrowsAsync<SellingPartnerApiException>(() => host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(SpApiOperations.GetOrders, error.Operation);
        var amazon = Assert.Single(error.Errors);
        Assert.Equal(("InvalidInput", "Invalid Input"), (amazon.Code, amazon.Message));
        Assert.NotNull(error.RequestId);
        Assert.Equal(1, host.Fake.RequestCount("getOrders"));
    }

    [Fact]
    public async Task Refreshes_the_token_and_resends_when_amazon_says_it_expired()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(1);
        await host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default);
        host.Fake.ExpireTokenOnRequest = 2;

        var page = await host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default);

        Assert.Single(page.Orders);
        Assert.Equal(2, host.Fake.TokenRequests);
        Assert.Equal(3, host.Fake.RequestCount("getOrders"));
    }

    [Fact]
    public async Task Pages_order_items_with_their_own_next_token()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var ids = host.SeedOrders(1);
        host.Fake.SetItems(ids[0], Fixtures.ItemFrom(Fixtures.Item(), "1"), Fixtures.ItemFrom(Fixtures.Item(), "2"), Fixtures.ItemFrom(Fixtures.Item(), "3"));
        host.Fake.ItemsPageSize = 2;

        var items = await host.Client.GetOrderItemsAsync(AmazonTestHost.SellerA, ids[0], default);

        Assert.Equal(["1", "2", "3"], items.Select(i => i["OrderItemId"]!.GetValue<string>()));
        Assert.Equal(2, host.Fake.RequestCount("getOrderItems"));
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

        await Assert.ThrowsAnyAsync<Exception>(() => host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default));
        var callsWhenOpened = host.Fake.RequestCount("getOrders", AmazonTestHost.SellerA);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.GetOrdersAsync(AmazonTestHost.SellerA, Query, default));

        Assert.Equal(callsWhenOpened, host.Fake.RequestCount("getOrders", AmazonTestHost.SellerA)); // Failed fast, nothing sent.
        var other = await host.Client.GetOrdersAsync(AmazonTestHost.SellerB, Query, default);
        Assert.Single(other.Orders);
    }

    [Fact]
    public void Builds_amazon_query_strings()
    {
        var uri = SellingPartnerOrdersClient.BuildUri(
            new Uri("https://sellingpartnerapi-na.amazon.com"),
            "orders/v0/orders",
            [("MarketplaceIds", "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"), ("LastUpdatedAfter", SellingPartnerOrdersClient.FormatTime(DateTimeOffset.Parse("2026-01-01T10:00:00+01:00")))]);

        Assert.Equal(
            "https://sellingpartnerapi-na.amazon.com/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER%2CA2EUQ1WTGCTBG2&LastUpdatedAfter=2026-01-01T09%3A00%3A00Z",
            uri.AbsoluteUri);
    }
}
