using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Webhooks;

/// <summary>
/// Many shops: each shop's webhooks verify with its own secret when it has one (else the app's), a delivery signed for
/// a shop that is not configured is refused yet kept, and one event reaching two subscriptions is one delivery.
/// </summary>
public sealed class ShopifyShopWebhookTests : IDisposable
{
    private const string OwnShop = "own-app.myshopify.com";
    private const string OwnSecret = "own-app-secret";
    private readonly AppFactory _app = new(new Dictionary<string, string>
    {
        [$"Channels:Shopify:Shops:{OwnShop}:AdminAccessToken"] = "shpat_own",
        [$"Channels:Shopify:Shops:{OwnShop}:WebhookSecret"] = OwnSecret,
        [$"Channels:Shopify:Shops:{ShopifyWebhooks.Shop}:AdminAccessToken"] = "shpat_example",
    });

    private readonly HttpClient _client;

    public ShopifyShopWebhookTests() => _client = _app.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task A_shop_with_its_own_secret_is_verified_with_it_and_not_with_the_apps()
    {
        using var withApp = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(1), AppFactory.WebhookSecret, shop: OwnShop));
        Assert.Equal(HttpStatusCode.Unauthorized, withApp.StatusCode);

        using var withOwn = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(1), OwnSecret, shop: OwnShop));
        Assert.Equal(HttpStatusCode.OK, withOwn.StatusCode);
        await _app.WaitForOrderAsync($"shopify:{OwnShop}:1");

        // A shop without its own secret still verifies with the app's.
        using var other = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(2), AppFactory.WebhookSecret));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_delivery_signed_for_a_shop_that_is_not_configured_is_refused_and_kept_as_an_ingest_failure()
    {
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(3), AppFactory.WebhookSecret, webhookId: "stranger-1", shop: "stranger.myshopify.com"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:stranger.myshopify.com:stranger-1", default));
        var failure = Assert.Single(await _app.Services.GetRequiredService<IIngestFailureStore>().ListAsync("shopify", 10, default));
        Assert.Equal("shopify:stranger.myshopify.com:stranger-1", failure.ArchiveId);
        Assert.Equal(0, await _app.Services.GetRequiredService<IQueueReceiver>().CountAsync(QueueNames.Ingest, default));
    }

    [Fact]
    public async Task One_event_delivered_to_two_subscriptions_is_accepted_once()
    {
        using var first = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(4), AppFactory.WebhookSecret, webhookId: "sub-a", eventId: "event-4"));
        using var second = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(4), AppFactory.WebhookSecret, webhookId: "sub-b", eventId: "event-4"));
        using var another = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(4), AppFactory.WebhookSecret, webhookId: "sub-c", eventId: "event-5"));

        Assert.Equal("accepted", await StatusOf(first));
        Assert.Equal("duplicate", await StatusOf(second));
        Assert.Equal("accepted", await StatusOf(another));
        Assert.Null(await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:example.myshopify.com:sub-b", default));
    }

    private static async Task<string?> StatusOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
}
