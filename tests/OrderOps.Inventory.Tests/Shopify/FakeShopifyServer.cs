using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrderOps.Inventory.Tests.Shopify;

/// <summary>
/// A Shopify REST stand-in on 127.0.0.1:0 serving <c>POST /admin/api/{version}/inventory_levels/set.json</c>
/// (request and response shaped like Shopify's published example). It runs Shopify's leaky bucket and counts
/// every request that would have overflowed it, and injects faults on demand.
/// </summary>
public sealed class FakeShopifyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _bucketLock = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, int Status)> _requests = new();
    private double _level;
    private DateTimeOffset _lastLeak = DateTimeOffset.UtcNow;
    private int _requestCount;

    private FakeShopifyServer(WebApplication app) => _app = app;

    public const string Token = "this_is_a_test_token";

    public Uri BaseAddress { get; private set; } = null!;

    public int BucketSize { get; init; } = 40;

    public double LeakPerSecond { get; init; } = 2;

    /// <summary>inventory_item_id → available, as Shopify would now show it.</summary>
    public ConcurrentDictionary<long, int> Available { get; } = new();

    /// <summary>Requests that arrived while the bucket was full: a real store would have answered 429.</summary>
    public int BucketOverflows { get; private set; }

    /// <summary>Called with the 1-based request number; returns the fault to inject, or null to serve normally.</summary>
    public Func<int, Fault?> Faults { get; set; } = _ => null;

    public IReadOnlyList<(DateTimeOffset At, int Status)> Requests => _requests.ToList();

    public static async Task<FakeShopifyServer> StartAsync(int bucketSize, double leakPerSecond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeShopifyServer(app) { BucketSize = bucketSize, LeakPerSecond = leakPerSecond };
        app.MapPost("/admin/api/{version}/inventory_levels/set.json", server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First());
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requestCount);
        Fill();
        if (context.Request.Headers["X-Shopify-Access-Token"] != Token)
        {
            await Reply(context, 401, """{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}""");
            return;
        }

        switch (Faults(number))
        {
            case { Kind: FaultKind.TooManyRequests } fault:
                context.Response.Headers["Retry-After"] = fault.RetryAfterSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
                await Reply(context, 429, """{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}""");
                return;
            case { Kind: FaultKind.ServerError }:
                await Reply(context, 503, """{"errors":"Service Unavailable"}""");
                return;
            case { Kind: FaultKind.Hang } fault:
                // Longer than the client's attempt timeout; a request the client gave up on is never applied.
                try
                {
                    await Task.Delay(fault.Hang, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                break;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement;
        var item = root.GetProperty("inventory_item_id").GetInt64();
        var location = root.GetProperty("location_id").GetInt64();
        var available = root.GetProperty("available").GetInt32();
        Available[item] = available;
        await Reply(context, 200, JsonSerializer.Serialize(new
        {
            inventory_level = new { inventory_item_id = item, location_id = location, available, updated_at = DateTimeOffset.UtcNow.ToString("O"), admin_graphql_api_id = $"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}" },
        }));
    }

    /// <summary>Leaky bucket: every request adds one, the bucket drains at <see cref="LeakPerSecond"/>.</summary>
    private void Fill()
    {
        lock (_bucketLock)
        {
            var now = DateTimeOffset.UtcNow;
            _level = Math.Max(0, _level - ((now - _lastLeak).TotalSeconds * LeakPerSecond));
            _lastLeak = now;
            _level += 1;
            if (_level > BucketSize)
            {
                BucketOverflows++;
                _level = BucketSize;
            }
        }
    }

    private async Task Reply(HttpContext context, int status, string json)
    {
        _requests.Enqueue((DateTimeOffset.UtcNow, status));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Shopify-Shop-Api-Call-Limit"] = $"{(int)Math.Ceiling(_level)}/{BucketSize}";
        await context.Response.WriteAsync(json);
    }
}

public enum FaultKind
{
    TooManyRequests,
    ServerError,
    Hang,
}

public sealed record Fault(FaultKind Kind, double RetryAfterSeconds = 1, TimeSpan Hang = default);
