using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrderOps.Functions.OpenApi;
using OrderOps.Adapters.Shopify.Webhooks;
using OrderOps.Adapters.Shopify;
using OrderOps.Core.Ids;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;

namespace OrderOps.Functions.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/shopify</c>. Verifies the signature before anything else (401, nothing stored), then archives
/// the raw body with its headers and queues it for ingest; only then answers 200. Mapping happens later, in
/// <see cref="Ingest.IngestOrderFunction"/>, so Shopify's 5-second deadline is never at risk.
/// </summary>
/// <remarks>
/// A signed delivery that is unusable (wrong content type, bad topic header, malformed JSON, an order without an id)
/// is archived and recorded as an ingest failure, then answered with a 4xx problem. Its delivery id is not
/// remembered, so Shopify's retries land on the same archive entry instead of being mistaken for duplicates.
/// </remarks>
public sealed partial class ShopifyWebhookEndpoint(
    IOptionsMonitor<ShopifyOptions> options,
    InboundAcceptor acceptor,
    IRawArchive archive,
    IIngestFailureStore failures,
    TimeProvider time,
    ILogger<ShopifyWebhookEndpoint> logger)
{
    public const int MaxBodyBytes = 5 * 1024 * 1024;

    [Function("ShopifyWebhook")]
    [Tags("Webhooks")]
    [EndpointSummary("Shopify order webhooks, signed with X-Shopify-Hmac-Sha256 (no function key).")]
    [Consumes(typeof(JsonElement), "application/json")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status401Unauthorized)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    [ProblemResponse(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IResult> HandleAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/shopify")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"Webhook bodies are limited to {MaxBodyBytes / (1024 * 1024)} MB.");
        }

        var settings = options.CurrentValue;
        var topic = request.Headers[ShopifyWebhookHeaders.Topic].ToString();
        var shop = request.Headers[ShopifyWebhookHeaders.ShopDomain].ToString().ToLowerInvariant();
        var secrets = settings.WebhookSecretsFor(shop);
        if (secrets.Count == 0)
        {
            LogNoSecret(logger);
        }

        if (!ShopifyWebhookSignature.IsValid(body, request.Headers[ShopifyWebhookHeaders.Hmac], secrets))
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "The webhook signature is not valid.", $"{ShopifyWebhookHeaders.Hmac} must be the base64 HMAC-SHA256 of the raw body keyed with the shop's (or the app's) secret.");
        }

        var webhookId = HeaderId(request, ShopifyWebhookHeaders.WebhookId) ?? "sha256-" + Convert.ToHexStringLower(SHA256.HashData(body));
        var payload = new RawPayload
        {
            Id = $"{Channels.Shopify}:{(ShopifyTopics.IsMyShopifyDomain(shop) ? shop : "unknown-shop")}:{webhookId}",
            Channel = Channels.Shopify,
            Account = ShopifyTopics.IsMyShopifyDomain(shop) ? shop : null,
            Kind = ShopifyTopics.IsWellFormed(topic) ? topic : "unknown",
            ReceivedAt = time.GetUtcNow(),
            ContentType = request.ContentType,
            Headers = ShopifyWebhookHeaders.Archived
                .Where(h => request.Headers.ContainsKey(h))
                .ToDictionary(h => h, h => request.Headers[h].ToString(), StringComparer.OrdinalIgnoreCase),
            Body = body,
        };

        var rejection = Check(request.ContentType, topic, shop, body)
            ?? (settings.AcceptsWebhooksFrom(shop) ? null : new Rejection(StatusCodes.Status403Forbidden, "The shop is not configured.", $"Add the shop under Channels:Shopify:Shops:{shop} to take its webhooks; this delivery is archived as {payload.Id}."));
        if (rejection is { } problem)
        {
            await archive.ArchiveAsync(payload, cancellationToken);
            await failures.RecordAsync(
                new IngestFailure { ArchiveId = payload.Id, Channel = payload.Channel, Kind = payload.Kind, Reason = problem.Detail, At = payload.ReceivedAt },
                cancellationToken);
            return Problems.Status(problem.Status, problem.Title, problem.Detail);
        }

        // One event reaches every subscription to it, each delivery with its own webhook id: the event id is what repeats.
        var deliveryKey = HeaderId(request, ShopifyWebhookHeaders.EventId) is { } eventId ? $"shopify-event:{shop}:{eventId}" : $"shopify-webhook:{shop}:{webhookId}";
        var outcome = await acceptor.AcceptAsync(payload, deliveryKey, ShopifyTopics.CarriesOrder(topic), cancellationToken);
        if (outcome == AcceptOutcome.InProgress)
        {
            // Not yet a duplicate: the delivery holding the key may still fail. A retry finds it finished (duplicate) or lapsed (accepted).
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.Status(StatusCodes.Status409Conflict, "The same delivery is being accepted right now.", "Another delivery with this event or webhook id is still being archived and queued; retry after the Retry-After seconds.");
        }

        return Results.Ok(new { status = outcome.ToString().ToLowerInvariant(), archiveId = payload.Id });
    }

    /// <summary>A header usable inside ids: present, at most 200 characters, no ':' (the ids' separator).</summary>
    private static string? HeaderId(HttpRequest request, string header) =>
        request.Headers[header].ToString() is { Length: > 0 and <= 200 } id && !id.Contains(':', StringComparison.Ordinal) ? id : null;

    private static Rejection? Check(string? contentType, string topic, string shop, byte[] body)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "Only JSON webhooks are accepted.", "Subscribe the webhook with format JSON; the body must be application/json.");
        }

        if (!ShopifyTopics.IsWellFormed(topic))
        {
            return new(StatusCodes.Status400BadRequest, "The topic header is missing or malformed.", $"{ShopifyWebhookHeaders.Topic} must be a topic such as orders/create.");
        }

        if (!ShopifyTopics.IsMyShopifyDomain(shop))
        {
            return new(StatusCodes.Status400BadRequest, "The shop domain header is missing or malformed.", $"{ShopifyWebhookHeaders.ShopDomain} must be the shop's myshopify.com domain, such as example.myshopify.com.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            // The reader's own message says what is wrong (a bad token, or nesting past the depth limit) and where.
            return new(StatusCodes.Status400BadRequest, "The body is not valid JSON.", ex.Message);
        }

        using (document)
        {
            if (ShopifyTopics.CarriesOrder(topic)
                && (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("id", out var orderId)
                    || orderId.ValueKind is not (JsonValueKind.Number or JsonValueKind.String)))
            {
                return new(StatusCodes.Status422UnprocessableEntity, "The order is missing required fields.", $"A {topic} body must be an Order object with an id.");
            }

            if (ShopifyTopics.CarriesOrder(topic) && document.RootElement.GetProperty("id") is { ValueKind: JsonValueKind.String } textId && IdText.Problem(textId.GetString()) is { } problem)
            {
                return new(StatusCodes.Status400BadRequest, "The order id is not valid.", $"id {problem}");
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Channels:Shopify:WebhookSecret is not configured; every Shopify webhook is refused.")]
    private static partial void LogNoSecret(ILogger logger);

    private readonly record struct Rejection(int Status, string Title, string Detail);
}
