using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Amazon.Listings;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.FanOut;

namespace OrderOps.Inventory.Tests.Amazon;

public sealed class AmazonListingsPublisherTests : IAsyncLifetime
{
    private const string Token = "Atza|test-token";
    private readonly ConcurrentDictionary<string, int> _quantities = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly object _bucketLock = new();
    private WebApplication _amazon = null!;
    private double _level;
    private DateTimeOffset _lastLeak = DateTimeOffset.UtcNow;
    private int _overflows;
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _amazon = builder.Build();
        _amazon.MapMethods("/listings/2021-08-01/items/{sellerId}/{sku}", ["PATCH"], HandleAsync);
        await _amazon.StartAsync();
    }

    public async Task DisposeAsync() => await _amazon.DisposeAsync();

    /// <summary>Amazon's side: token check, a leaky bucket of 10 draining 5/s, an injected 429 every 7th call, INVALID for SKU "BAD".</summary>
    private async Task<IResult> HandleAsync(string sellerId, string sku, HttpContext context)
    {
        lock (_bucketLock)
        {
            var now = DateTimeOffset.UtcNow;
            _level = Math.Max(0, _level - ((now - _lastLeak).TotalSeconds * 5)) + 1;
            _lastLeak = now;
            if (_level > 10)
            {
                _overflows++;
                _level = 10;
            }
        }

        if (context.Request.Headers["x-amz-access-token"] != Token || context.Request.Query["marketplaceIds"] != "ATVPDKIKX0DER" || sellerId != "A2SELLER")
        {
            return Results.StatusCode(403);
        }

        if (Interlocked.Increment(ref _requests) % 7 == 0)
        {
            return Results.Json(new { errors = new[] { new { code = "QuotaExceeded", message = "You exceeded your quota for the requested resource." } } }, statusCode: 429);
        }

        if (sku == "GONE")
        {
            return Results.Json(new { errors = new[] { new { code = "NOT_FOUND", message = "Listing not found." } } }, statusCode: 404);
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        _bodies.Enqueue(body.RootElement.GetRawText());
        var patch = body.RootElement.GetProperty("patches")[0];
        if (sku == "BAD")
        {
            return Results.Json(new { sku, status = "INVALID", submissionId = "a1c562c2", issues = new[] { new { code = "90000900", message = "The attributes are invalid.", severity = "ERROR" } } });
        }

        _quantities[sku] = patch.GetProperty("value")[0].GetProperty("quantity").GetInt32();
        return Results.Json(new { sku, status = "ACCEPTED", submissionId = "f1dc2914-75dd-11ea-bc55-0242ac130003", issues = Array.Empty<object>() });
    }

    private (ServiceProvider, IChannelInventoryPublisher) CreatePublisher()
    {
        var services = new ServiceCollection()
            .AddSingleton<IAccessTokenSource>(new FixedToken())
            .AddAmazonListingsInventoryPublisher(new AmazonListingsInventoryOptions
            {
                Endpoint = new Uri(_amazon.Urls.First()),
                SellerId = "A2SELLER",
                RetryBaseDelay = TimeSpan.FromMilliseconds(50),
                AttemptTimeout = TimeSpan.FromSeconds(2),
            })
            .BuildServiceProvider();
        return (services, services.GetRequiredService<IChannelInventoryPublisher>());
    }

    [Fact]
    public async Task Sends_a_merge_of_fulfillment_availability_and_classifies_answers()
    {
        var (services, publisher) = CreatePublisher();
        await using var _ = services;
        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("SKU-1", 7, CancellationToken.None)).Status);
        Assert.Equal(7, _quantities["SKU-1"]);
        using var sent = JsonDocument.Parse(_bodies.First());
        Assert.Equal("PRODUCT", sent.RootElement.GetProperty("productType").GetString());
        var patch = sent.RootElement.GetProperty("patches")[0];
        Assert.Equal(("merge", "/attributes/fulfillment_availability"), (patch.GetProperty("op").GetString(), patch.GetProperty("path").GetString()));
        Assert.Equal("DEFAULT", patch.GetProperty("value")[0].GetProperty("fulfillment_channel_code").GetString());

        Assert.Equal(PublishStatus.NotListed, (await publisher.PublishAsync("GONE", 1, CancellationToken.None)).Status);
        var invalid = await publisher.PublishAsync("BAD", 1, CancellationToken.None);
        Assert.Equal(PublishStatus.Permanent, invalid.Status);
        Assert.Contains("90000900", invalid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_skus_converge_without_ever_exceeding_five_requests_per_second()
    {
        var (services, publisher) = CreatePublisher();
        await using var _ = services;
        var options = FanOutHarness.DefaultOptions("amazon");
        options.Channels["amazon"].MaxConcurrency = 8;
        await using var harness = new FanOutHarness(options, publisher);
        await harness.StartAsync();
        var skus = Enumerable.Range(0, 20).Select(i => $"SKU-{i}").ToList();
        foreach (var sku in skus)
        {
            await harness.ReceiveAsync(sku, "east", 4);
        }

        await harness.WaitUntilConvergedAsync(skus, (_, sku) => _quantities.TryGetValue(sku, out var q) ? q : null, TimeSpan.FromSeconds(60));
        Assert.Equal(0, _overflows);
        Assert.True(_requests > 20, "Some requests were refused with 429 and retried.");
    }

    private sealed class FixedToken : IAccessTokenSource
    {
        public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) => Task.FromResult(Token);

        public void Invalidate()
        {
        }
    }
}
