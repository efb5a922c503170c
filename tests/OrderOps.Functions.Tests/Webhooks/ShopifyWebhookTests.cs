using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Webhooks;

public sealed class ShopifyWebhookTests : IDisposable
{
    private const string PublishedOrderId = "shopify:example.myshopify.com:450789469";
    private readonly AppFactory _app = new();
    private readonly HttpClient _client;

    public ShopifyWebhookTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task A_signed_order_is_acknowledged_then_readable_as_a_canonical_order()
    {
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, webhookId: "w-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("accepted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var view = await _app.WaitForOrderAsync(PublishedOrderId);
        Assert.Equal("received", view.GetProperty("status").GetString());
        Assert.Equal("#1001", view.GetProperty("order").GetProperty("channelOrderNumber").GetString());
        Assert.Equal(598.94m, view.GetProperty("order").GetProperty("totals").GetProperty("total").GetProperty("amount").GetDecimal());
        var received = Assert.Single(IngestEvents(view));
        Assert.Equal(("order.received", "channel:shopify"), (received.GetProperty("type").GetString(), received.GetProperty("actor").GetString()));
        Assert.Contains("shopify:example.myshopify.com:w-1", received.GetProperty("cause").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData(null)]
    public async Task A_bad_or_missing_signature_is_401_and_stores_nothing(string? secret)
    {
        var request = ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), secret ?? "x", webhookId: "w-bad");
        if (secret is null)
        {
            request.Headers.Remove("X-Shopify-Hmac-Sha256");
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:example.myshopify.com:w-bad", default));
        Assert.Equal(0, await _app.Services.GetRequiredService<IQueueReceiver>().CountAsync(QueueNames.Ingest, default));
        Assert.Empty(await _app.Services.GetRequiredService<IIngestFailureStore>().ListAsync(null, 10, default));
    }

    [Fact]
    public async Task The_same_delivery_many_times_and_the_same_order_via_two_topics_is_one_order_with_one_event()
    {
        var statuses = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, webhookId: "same"));
            statuses.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, topic: "orders/updated", webhookId: "other")))
        {
        }

        Assert.Equal(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"], statuses);
        await WaitForQueueToDrainAsync();
        var view = await _app.WaitForOrderAsync(PublishedOrderId);
        Assert.Single(IngestEvents(view));
        using var keyed = _app.CreateKeyedClient();
        var list = await keyed.GetFromJsonAsync<JsonElement>("/api/orders");
        Assert.Single(list.GetProperty("orders").EnumerateArray());
    }

    [Fact]
    public async Task A_cancellation_updates_the_order_and_a_late_older_update_does_not_undo_it()
    {
        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, webhookId: "create")))
        {
        }

        await _app.WaitForOrderAsync(PublishedOrderId);
        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedCancelledOrderBody(), AppFactory.WebhookSecret, topic: "orders/cancelled", webhookId: "cancel")))
        {
        }

        var cancelled = await _app.WaitForOrderAsync(PublishedOrderId, v => v.GetProperty("status").GetString() == "cancelled");

        // Shopify delivers out of order: the original orders/updated arrives after the cancellation.
        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, topic: "orders/updated", webhookId: "late")))
        {
        }

        await WaitForQueueToDrainAsync();
        // The status is the lifecycle's: it reads cancelled once the lifecycle has applied the channel's cancellation.
        var after = await _app.WaitForOrderAsync(PublishedOrderId, v => v.GetProperty("status").GetString() == "cancelled");
        Assert.Equal("other", after.GetProperty("order").GetProperty("cancellation").GetProperty("reason").GetString());
        Assert.Equal(
            ["order.received", "order.updated", "order.cancelledByChannel"],
            IngestEvents(after).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(IngestEvents(cancelled).Count, IngestEvents(after).Count);
    }

    [Fact]
    public async Task Topics_that_are_not_orders_are_acknowledged_and_archived_only()
    {
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(Encoding.UTF8.GetBytes("{\"id\":632910392,\"title\":\"IPod Nano\"}"), AppFactory.WebhookSecret, topic: "products/update", webhookId: "p-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("archived", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.NotNull(await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:example.myshopify.com:p-1", default));
        Assert.Equal(0, await _app.Services.GetRequiredService<IQueueReceiver>().CountAsync(QueueNames.Ingest, default));
    }

    public static TheoryData<string, string, string, HttpStatusCode> SignedButUnusable => new()
    {
        { "{ \"id\": 1, ", "application/json", "orders/create", HttpStatusCode.BadRequest },
        { "{\"name\":\"#1\"}", "application/json", "orders/create", HttpStatusCode.UnprocessableEntity },
        { "[1,2,3]", "application/json", "orders/updated", HttpStatusCode.UnprocessableEntity },
        { "<order/>", "application/xml", "orders/create", HttpStatusCode.UnsupportedMediaType },
        { "{\"id\":1}", "application/json", "not a topic", HttpStatusCode.BadRequest },
        { "{\"id\":\"450\\u202E789\"}", "application/json", "orders/create", HttpStatusCode.BadRequest },
        { "{\"id\":\"450\\u0000789\"}", "application/json", "orders/create", HttpStatusCode.BadRequest },
    };

    [Fact]
    public async Task A_body_nested_past_the_depth_limit_is_reported_as_such_not_as_malformed()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000));
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(body, AppFactory.WebhookSecret, webhookId: "deep-1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shop_header_that_is_not_a_myshopify_domain_is_refused_as_the_error_says()
    {
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret, webhookId: "evil-1", shop: "evil.example.com"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("myshopify.com", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:unknown-shop:evil-1", default));
    }

    [Theory]
    [MemberData(nameof(SignedButUnusable))]
    public async Task A_signed_but_unusable_delivery_is_a_clear_4xx_archived_and_listed_as_an_ingest_failure(string body, string contentType, string topic, HttpStatusCode expected)
    {
        var request = ShopifyWebhooks.Delivery(Encoding.UTF8.GetBytes(body), AppFactory.WebhookSecret, topic: topic, webhookId: "bad-1");
        request.Content!.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await _client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(Encoding.UTF8.GetBytes(body), (await _app.Services.GetRequiredService<IRawArchive>().GetAsync("shopify:example.myshopify.com:bad-1", default))!.Body.ToArray());
        using var keyed = _app.CreateKeyedClient();
        var failures = await keyed.GetFromJsonAsync<JsonElement>("/api/ingest/failures?channel=shopify");
        Assert.Equal("shopify:example.myshopify.com:bad-1", Assert.Single(failures.GetProperty("failures").EnumerateArray()).GetProperty("archiveId").GetString());
    }

    [Fact]
    public async Task A_signed_order_that_maps_but_is_invalid_is_recorded_as_an_ingest_failure_not_dropped()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":77,\"currency\":\"ZZZ\",\"created_at\":\"2026-01-01T00:00:00Z\",\"line_items\":[]}");
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(body, AppFactory.WebhookSecret, webhookId: "invalid-1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var keyed = _app.CreateKeyedClient();
        JsonElement failure = default;
        for (var i = 0; i < 300 && failure.ValueKind == JsonValueKind.Undefined; i++)
        {
            var list = await keyed.GetFromJsonAsync<JsonElement>("/api/ingest/failures");
            failure = list.GetProperty("failures").EnumerateArray().FirstOrDefault();
            await Task.Delay(20);
        }

        Assert.Equal("shopify:example.myshopify.com:invalid-1", failure.GetProperty("archiveId").GetString());
        var errors = failure.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(errors, e => e!.StartsWith("currency:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("lineItems:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_body_over_5_mb_is_413_without_reading_it_all()
    {
        var body = new byte[(5 * 1024 * 1024) + 1];
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(body, AppFactory.WebhookSecret));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task WaitForQueueToDrainAsync()
    {
        var receiver = _app.Services.GetRequiredService<IQueueReceiver>();
        for (var i = 0; i < 500 && await receiver.CountAsync(QueueNames.Ingest, default) > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, await receiver.CountAsync(QueueNames.Ingest, default));
    }

    /// <summary>The events ingest writes (the lifecycle adds its own, asynchronously, after these).</summary>
    private static List<JsonElement> IngestEvents(JsonElement view) =>
        view.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString()!.StartsWith("order.", StringComparison.Ordinal)).ToList();
}
