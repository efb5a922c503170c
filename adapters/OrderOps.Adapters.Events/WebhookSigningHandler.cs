namespace OrderOps.Adapters.Events;

/// <summary>
/// Signs each attempt of a webhook request (it sits inside the resilience handler, so every retry passes through it
/// and carries a timestamp of its own). The secret travels in the request's options, never in a header or a log.
/// </summary>
public sealed class WebhookSigningHandler(TimeProvider time) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> SecretKey = new("OrderOps.WebhookSecret");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(SecretKey, out var secret) && request.Content is { } content)
        {
            var body = await content.ReadAsByteArrayAsync(cancellationToken);
            request.Headers.Remove(WebhookSignature.HeaderName);
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Create(secret, time.GetUtcNow(), body));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
