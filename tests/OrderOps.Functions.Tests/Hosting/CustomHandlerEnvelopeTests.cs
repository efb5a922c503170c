using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ingest;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Hosting;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>
/// Custom-handler mode, driven the way the Azure Functions host drives it: POST /{FunctionName} with the documented
/// request envelope; every field of the reply checked against the documented response envelope.
/// </summary>
public sealed class CustomHandlerEnvelopeTests : IDisposable
{
    private readonly AppFactory _app = new(HostingMode.CustomHandler);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_queue_invocation_in_the_documented_envelope_runs_ingest_and_replies_with_every_field()
    {
        var archiveId = await ArchivePublishedOrderAsync();
        var envelope = DocumentedQueueEnvelope(OrderOpsJson.Serialize(new IngestMessage(archiveId, "shopify", "orders/create")));
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/IngestOrder", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], reply.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, reply.GetProperty("Outputs").ValueKind);
        Assert.Empty(reply.GetProperty("Outputs").EnumerateObject());
        Assert.Equal([$"{archiveId}: shopify:example.myshopify.com:450789469 Created"], reply.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("ReturnValue").ValueKind);
        Assert.NotNull(await _app.Services.GetRequiredService<IOrderStore>().GetAsync("shopify:example.myshopify.com:450789469", default));
    }

    [Fact]
    public async Task A_timer_invocation_with_the_documented_timer_object_returns_its_value()
    {
        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("azure", "azure_msdocs_timer_object.json"))) },
            ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = "PurgeIdempotencyKeys", ["UtcNow"] = "2026-11-23T03:17:00Z", ["RandGuid"] = Guid.NewGuid().ToString() } },
        };
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/PurgeIdempotencyKeys", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, reply.GetProperty("ReturnValue").GetInt32());
        Assert.Equal(["Purged 0 expired idempotency keys."], reply.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task The_amazon_poll_timer_is_wired_and_with_no_accounts_queues_nothing()
    {
        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("azure", "azure_msdocs_timer_object.json"))) },
            ["Metadata"] = new JsonObject(),
        };
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/AmazonOrderPoll", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ReturnValue").GetInt32());
    }

    [Fact]
    public async Task A_failing_invocation_answers_500_so_the_host_retries_and_says_why_in_logs()
    {
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/IngestOrder", DocumentedQueueEnvelope("{ message: \"Message sent\" }"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("IngestOrder failed: FunctionInputException", Assert.Single(reply.GetProperty("Logs").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("ReturnValue").ValueKind);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"Data\":{\"myQueueItem\":\"x\"},\"Metadata\":{}}")]
    public async Task A_malformed_envelope_or_one_without_the_trigger_binding_is_400(string body)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync(new Uri("/IngestOrder", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Logs").EnumerateArray());
    }

    [Fact]
    public async Task In_custom_handler_mode_nothing_is_pumped_by_the_app_itself()
    {
        var archiveId = await ArchivePublishedOrderAsync();
        await _app.Services.GetRequiredService<IMessageQueue>().SendAsync(QueueNames.Ingest, new QueueMessage { MessageId = archiveId, Body = OrderOpsJson.Serialize(new IngestMessage(archiveId, "shopify", "orders/create")) }, default);

        await Task.Delay(500);

        Assert.Equal(1, await _app.Services.GetRequiredService<IQueueReceiver>().CountAsync(QueueNames.Ingest, default));
    }

    [Fact]
    public async Task Http_functions_are_still_served_at_their_routes()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Microsoft's documented queue request, with our trigger's binding name and message.</summary>
    private static JsonObject DocumentedQueueEnvelope(string message)
    {
        var envelope = (JsonObject)JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("azure", "azure_msdocs_customhandler_queue_request_payload.json")))!;
        var data = (JsonObject)envelope["Data"]!;
        data.Remove("myQueueItem");
        data["message"] = message;
        return envelope;
    }

    private async Task<string> ArchivePublishedOrderAsync()
    {
        const string id = "shopify:example.myshopify.com:envelope-test";
        await _app.Services.GetRequiredService<IRawArchive>().ArchiveAsync(
            new RawPayload { Id = id, Channel = "shopify", Account = ShopifyWebhooks.Shop, Kind = "orders/create", ReceivedAt = DateTimeOffset.UtcNow, Body = ShopifyWebhooks.PublishedOrderBody() },
            default);
        return id;
    }
}

public sealed class StandaloneModeTests : IDisposable
{
    private readonly AppFactory _app = new(HostingMode.Standalone);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Envelope_endpoints_exist_only_behind_the_functions_host()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync(new Uri("/IngestOrder", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
