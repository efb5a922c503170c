using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Orders;

public sealed class OrderApiTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/api/orders")]
    [InlineData("/api/orders/shopify:example.myshopify.com:1")]
    [InlineData("/api/ingest/failures")]
    [InlineData("/api/queues/ingest/deadletters")]
    public async Task Key_protected_endpoints_refuse_a_missing_or_wrong_key(string path)
    {
        using var anonymous = _app.CreateClient();
        using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var wrong = _app.CreateClient();
        wrong.DefaultRequestHeaders.Add("x-functions-key", "nope");
        using var wrongResponse = await wrong.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal("application/problem+json", wrongResponse.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_key_is_also_accepted_as_the_code_query_parameter_and_health_is_open()
    {
        using var client = _app.CreateClient();
        using var withCode = await client.GetAsync(new Uri($"/api/orders?code={AppFactory.ApiKey}", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task An_unknown_order_is_404_problem()
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri("/api/orders/shopify:example.myshopify.com:999", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Listing_pages_through_orders_and_filters_by_channel_status_and_time()
    {
        using var webhooks = _app.CreateClient();
        for (var id = 1; id <= 5; id++)
        {
            using var response = await webhooks.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(id), AppFactory.WebhookSecret));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Wait until each order's lifecycle has settled (no stock here: it waits in a validation exception). A list
        // is in order of last change, so an order the lifecycle saves again while we page would rightly show up twice.
        for (var id = 1; id <= 5; id++)
        {
            await _app.WaitForOrderAsync($"shopify:example.myshopify.com:{id}", v => v.GetProperty("lifecycle").GetProperty("openExceptions").GetArrayLength() > 0);
        }

        using var client = _app.CreateKeyedClient();
        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/orders?pageSize=2" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation)));
            seen.AddRange(page.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.String ? page.GetProperty("continuation").GetString() : null;
        }
        while (continuation is not null);

        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"shopify:example.myshopify.com:{i}").Order(), seen.Order());
        var received = (await client.GetFromJsonAsync<JsonElement>("/api/orders?channel=shopify&status=received")).GetProperty("orders");
        Assert.Equal(5, received.GetArrayLength());

        // List items are summaries: a page never carries whole orders, however large they are.
        var item = received[0];
        Assert.False(item.TryGetProperty("order", out _), item.ToString());
        Assert.Equal("example.myshopify.com", item.GetProperty("channelAccount").GetString());
        Assert.Equal(JsonValueKind.Object, item.GetProperty("totals").ValueKind);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/orders?channel=amazon")).GetProperty("orders").GetArrayLength());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/orders?status=cancelled")).GetProperty("orders").GetArrayLength());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/orders?updatedSince=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O")))).GetProperty("orders").GetArrayLength());
    }

    [Theory]
    [InlineData("channel=ebay", "channel")]
    [InlineData("updatedSince=yesterday", "updatedSince")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("status=nonsense", "status")]
    [InlineData("pageSize=5000", "pageSize")]
    public async Task Bad_query_parameters_are_400_with_the_field_named(string query, string field)
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri("/api/orders?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_forged_continuation_token_is_400()
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri("/api/orders?continuation=bm90LW91cnM", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
