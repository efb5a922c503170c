using System.Globalization;
using System.Net;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// Innermost handler: feeds what Amazon says about rate limits back into the bucket of the seller + operation.
/// <c>x-amzn-RateLimit-Limit</c> (requests per second, when Amazon sends it) becomes the refill rate; a 429 empties
/// the bucket, so the retry waits for a token the way Amazon's own bucket refills.
/// </summary>
internal sealed class RateLimitHeaderHandler : DelegatingHandler
{
    public const string RateLimitHeader = "x-amzn-RateLimit-Limit";

    private readonly SpApiRateLimiterRegistry _registry;

    public RateLimitHeaderHandler(SpApiRateLimiterRegistry registry)
    {
        _registry = registry;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var limiter = _registry.Get(SpApiRequest.GetSellerId(request), SpApiRequest.GetOperation(request));
        if (response.Headers.TryGetValues(RateLimitHeader, out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
        {
            limiter.UpdateRate(rate);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            limiter.Drain();
        }

        return response;
    }
}
