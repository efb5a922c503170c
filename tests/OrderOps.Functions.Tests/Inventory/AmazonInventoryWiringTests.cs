using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrderOps.Functions.Tests.Inventory;

/// <summary>
/// The app pushes Amazon quantities with patchListingsItem, authenticated by the Amazon adapter's LWA provider, from
/// the seller's channel-sync orchestration on the embedded durable runtime.
/// </summary>
public sealed class AmazonInventoryWiringTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _amazonQuantities = new(StringComparer.Ordinal);
    private int _tokenRequests;
    private WebApplication _amazon = null!;
    private AppFactory _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _amazon = builder.Build();
        _amazon.MapPost("/auth/o2/token", () =>
        {
            Interlocked.Increment(ref _tokenRequests);
            return Results.Json(new { access_token = "Atza|wired", token_type = "bearer", expires_in = 3600, refresh_token = "Atzr|seller" });
        });
        _amazon.MapMethods("/listings/2021-08-01/items/{sellerId}/{sku}", ["PATCH"], async (string sellerId, string sku, HttpContext context) =>
        {
            if (context.Request.Headers["x-amz-access-token"] != "Atza|wired" || sellerId != "A2SELLER")
            {
                return Results.StatusCode(403);
            }

            var body = await context.Request.ReadFromJsonAsync<JsonElement>();
            _amazonQuantities[sku] = body.GetProperty("patches")[0].GetProperty("value")[0].GetProperty("quantity").GetInt32();
            return Results.Json(new { sku, status = "ACCEPTED", submissionId = "f1dc2914-75dd-11ea-bc55-0242ac130003", issues = Array.Empty<object>() });
        });
        await _amazon.StartAsync();
        var url = _amazon.Urls.First();
        _app = new AppFactory(settings: new Dictionary<string, string>
        {
            ["Inventory:Locations:0"] = "east",
            ["Inventory:Channels:amazon:Locations:0"] = "east",
            ["Inventory:Channels:amazon:Buffer:Absolute"] = "2",
            ["Channels:Amazon:Endpoint"] = url,
            ["Channels:Amazon:LwaEndpoint"] = url + "/auth/o2/token",
            ["Channels:Amazon:ClientId"] = "amzn1.application-oa2-client.test",
            ["Channels:Amazon:ClientSecret"] = "secret",
            ["Channels:Amazon:Accounts:A2SELLER:RefreshToken"] = "Atzr|seller",
            ["Channels:Amazon:Accounts:A2SELLER:MarketplaceIds:0"] = "ATVPDKIKX0DER",
            ["Channels:Amazon:Inventory:SellerId"] = "A2SELLER",
        });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _amazon.DisposeAsync();
    }

    [Fact]
    public async Task A_receipt_reaches_amazon_with_an_lwa_token()
    {
        using var client = _app.CreateKeyedClient();
        using var created = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "rcv-a", sku = "MUG-1", location = "east", type = "receipt", quantity = 12 });
        created.EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_amazonQuantities.TryGetValue("MUG-1", out var quantity) || quantity != 10)
        {
            Assert.True(DateTime.UtcNow < deadline, "Amazon was not told the new quantity.");
            await Task.Delay(50);
        }

        Assert.True(_tokenRequests >= 1);

        // The push came from the seller's singleton orchestration, which the fan-out started and which stays up.
        var durable = _app.Services.GetRequiredService<DurableTaskClient>();
        var sync = await durable.GetInstanceAsync("channel-sync:amazon:a2seller");
        Assert.NotNull(sync);
        Assert.Equal("ChannelSync", sync.Name);
        Assert.False(sync.IsCompleted, $"The channel sync ended: {sync.RuntimeStatus}");

        // A later change reaches Amazon too: the fan-out signals the running instance.
        using var shipped = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "adj-a", sku = "MUG-1", location = "east", type = "adjustment", quantity = -5, reason = "count" });
        shipped.EnsureSuccessStatusCode();
        while (_amazonQuantities["MUG-1"] != 5)
        {
            Assert.True(DateTime.UtcNow < deadline.AddSeconds(15), "Amazon was not told the adjusted quantity.");
            await Task.Delay(50);
        }

        Assert.False((await durable.GetInstanceAsync("channel-sync:amazon:a2seller"))!.IsCompleted);
    }
}
