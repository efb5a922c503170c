using System.Net;
using System.Net.Http.Headers;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events;

/// <summary>
/// Delivers one subscriber's events as signed HTTP POSTs of the CloudEvents envelope (structured mode,
/// <c>application/cloudevents+json</c>), through the <see cref="EventsServiceCollectionExtensions.WebhookClient"/> client
/// whose resilience pipeline retries transient failures with backoff and bounds every attempt. 2xx is delivered, 410 is
/// gone (the dispatcher disables the subscriber), anything else is a failure for the dispatcher's backoff and parking.
/// </summary>
public sealed class WebhookEventSink(string name, WebhookSubscriberOptions subscriber, HttpClient http, ClaimCheck claimCheck) : IEventSink
{
    public string Name { get; } = name;

    public async Task<SinkResult> DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (body, _) = await claimCheck.EnvelopeAsync(delivery.Event, ClaimCheck.MaxInlineBytes, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url);
        // Buffered with a Content-Length: many receivers refuse chunked bodies, and the signature covers these exact bytes.
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
        // Signed per attempt by WebhookSigningHandler (inside the retries), so a retried request carries a fresh timestamp.
        request.Options.Set(WebhookSigningHandler.SecretKey, subscriber.Secret!);
        request.Headers.TryAddWithoutValidation("X-OrderOps-Event-Id", delivery.Event.Id);
        request.Headers.TryAddWithoutValidation("X-OrderOps-Event-Type", delivery.Event.Type);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return SinkResult.Delivered;
        }

        var error = FormattableString.Invariant($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        return response.StatusCode == HttpStatusCode.Gone
            ? new SinkResult(SinkOutcome.Gone, error)
            : new SinkResult(SinkOutcome.Failed, error, response.Headers.RetryAfter?.Delta);
    }
}
