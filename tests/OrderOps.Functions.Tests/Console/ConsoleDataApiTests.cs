using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Testing;
using OrderOps.Testing.Storage;

namespace OrderOps.Functions.Tests.Console;

/// <summary>
/// The console's data endpoints against the app with a fake Shopify that takes inventory pushes: search by customer
/// e-mail and SKU, the SKUs drifting from the ledger, and the per-account channel rows.
/// </summary>
public sealed class ConsoleDataApiTests : IAsyncLifetime
{
    private const long GreenItem = 1;
    private const long BlackItem = 3;

    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        var settings = _world.Settings("east");
        foreach (var (key, value) in _world.ShopifyInventorySettings("east", new Dictionary<string, long> { ["IPOD2008GREEN"] = GreenItem, ["IPOD2008BLACK"] = BlackItem }))
        {
            settings[key] = value;
        }

        settings["Channels:Amazon:ClientId"] = "amzn1.application-oa2-client.test";
        settings["Channels:Amazon:ClientSecret"] = "secret";
        settings["Channels:Amazon:Accounts:A2SELLER:RefreshToken"] = "Atzr|seller";
        settings["Channels:Amazon:Accounts:A2SELLER:MarketplaceIds:0"] = "ATVPDKIKX0DER";
        settings["Channels:Amazon:PollSchedule"] = "0 0 0 1 1 *";
        _app = new AppFactory(settings);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Orders_are_found_by_customer_email_in_a_post_body_and_by_sku_and_an_email_in_a_url_is_refused()
    {
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008BLACK", "IPOD2008RED" })
        {
            await stock.SetOnHandAsync("east", sku, 10, default);
        }

        var first = await PlaceAsync(2001);
        var second = await PlaceAsync(2002);
        using var client = _app.CreateKeyedClient();

        // Shopify's published order is Bob Norman's (bob.norman@mail.example.com); any case and spacing finds it.
        Assert.Equal([second, first], await SearchAsync(client, HttpMethod.Post, "  Bob.Norman@MAIL.example.com "));
        Assert.Equal([second, first], await SearchAsync(client, HttpMethod.Get, "IPOD2008GREEN"));
        Assert.Equal([first], await SearchAsync(client, HttpMethod.Get, "2001"));
        Assert.Empty(await SearchAsync(client, HttpMethod.Post, "someone.else@mail.example.com"));

        using var inUrl = await client.GetAsync(new Uri("/api/overview/search?q=bob.norman%40mail.example.com", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, inUrl.StatusCode);
        Assert.DoesNotContain("bob.norman", await inUrl.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var notJson = await client.PostAsync(new Uri("/api/overview/search", UriKind.Relative), new StringContent("bob.norman@mail.example.com", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.DoesNotContain("bob.norman", await notJson.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var anonymous = _app.CreateClient();
        using var refused = await anonymous.PostAsJsonAsync(new Uri("/api/overview/search", UriKind.Relative), new { q = "IPOD2008GREEN" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_sku_the_channel_refuses_drifts_from_the_ledger_and_the_account_row_shows_the_failure_and_the_parked_push()
    {
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        using var client = _app.CreateKeyedClient();
        await stock.SetOnHandAsync("east", "IPOD2008GREEN", 12, default);
        await stock.SetOnHandAsync("east", "IPOD2008BLACK", 5, default);
        // Both reach Shopify (on hand − 1 buffer), then Shopify starts refusing IPOD2008BLACK and its stock changes.
        await WaitForAsync(() => _world.InventoryAvailable.GetValueOrDefault(FakeOutsideWorld.InventoryItem(BlackItem)) == 4 && _world.InventoryAvailable.GetValueOrDefault(FakeOutsideWorld.InventoryItem(GreenItem)) == 11, "the first pushes");
        _world.InventoryRefusals[FakeOutsideWorld.InventoryItem(BlackItem)] = "INVALID_LOCATION";
        await stock.SetOnHandAsync("east", "IPOD2008BLACK", 3, default);

        var row = await WaitForAsync(async () =>
        {
            var view = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overview/channels", UriKind.Relative));
            return view.GetProperty("accounts").EnumerateArray().SingleOrDefault(a => a.GetProperty("kind").GetString() == "inventory push" && a.TryGetProperty("lastFailureAt", out _)) is { ValueKind: JsonValueKind.Object } found ? found : (JsonElement?)null;
        }, "the refused push in the channel row");
        Assert.Equal(("shopify", "shopify:" + ShopifyWebhooks.Shop), (row.GetProperty("channel").GetString(), row.GetProperty("account").GetString()));
        Assert.StartsWith("IPOD2008BLACK: Shopify refused the quantity: INVALID_LOCATION", row.GetProperty("lastFailure").GetString(), StringComparison.Ordinal);
        Assert.True(row.TryGetProperty("lastSuccessAt", out _), row.ToString());
        Assert.Equal(1, row.GetProperty("parkedPushes").GetInt32());
        Assert.True(row.GetProperty("parkedUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.True(row.GetProperty("retryAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.DoesNotContain("shpat", row.ToString(), StringComparison.Ordinal);

        var view = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overview/channels", UriKind.Relative));
        var poll = view.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "order poll");
        Assert.Equal(("amazon", "A2SELLER / ATVPDKIKX0DER"), (poll.GetProperty("channel").GetString(), poll.GetProperty("account").GetString()));
        Assert.False(poll.TryGetProperty("lastSuccessAt", out _), poll.ToString());

        // Shopify shows 4, the ledger says 3 − 1 buffer = 2, since the change it was not told about.
        var drift = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overview/inventory-drift", UriKind.Relative));
        var shopify = Assert.Single(drift.GetProperty("channels").EnumerateArray());
        Assert.Equal(("shopify", 1), (shopify.GetProperty("channel").GetString(), shopify.GetProperty("drifting").GetInt32()));
        var black = Assert.Single(shopify.GetProperty("skus").EnumerateArray());
        Assert.Equal(("IPOD2008BLACK", 4, 2), (black.GetProperty("sku").GetString(), black.GetProperty("publishedQuantity").GetInt32(), black.GetProperty("ledgerQuantity").GetInt32()));
        Assert.StartsWith("max(0, 3 available at [east] − 1 buffer", black.GetProperty("computation").GetString(), StringComparison.Ordinal);
        Assert.True(black.GetProperty("driftingSince").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.True(black.GetProperty("pending").GetProperty("parked").GetBoolean());
    }

    private static async Task<string[]> SearchAsync(HttpClient client, HttpMethod method, string term)
    {
        using var request = method == HttpMethod.Get
            ? new HttpRequestMessage(method, "/api/overview/search?q=" + Uri.EscapeDataString(term))
            : new HttpRequestMessage(method, "/api/overview/search") { Content = JsonContent.Create(new { q = term }) };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("orderIds").EnumerateArray().Select(i => i.GetString()!).ToArray();
    }

    private async Task<string> PlaceAsync(long shopifyOrderId)
    {
        using var client = _app.CreateClient();
        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(shopifyOrderId), AppFactory.WebhookSecret));
        response.EnsureSuccessStatusCode();
        var orderId = $"shopify:{ShopifyWebhooks.Shop}:{shopifyOrderId}";
        await _app.WaitForOrderAsync(orderId);
        return orderId;
    }

    private static Task<bool> WaitForAsync(Func<bool> condition, string what) =>
        WaitForAsync(() => Task.FromResult(condition() ? true : (bool?)null), what);

    /// <summary>Polls until <paramref name="probe"/> answers (the pushes run in the background); a minute at most.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } answer)
            {
                return answer;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
