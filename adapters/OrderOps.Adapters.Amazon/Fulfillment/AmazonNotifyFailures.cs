using System.Net;
using OrderOps.Adapters.Amazon.Auth;
using OrderOps.Adapters.Amazon.Client;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Turns what can go wrong talking to Amazon into an operator-readable failure detail: Amazon's own error code and
/// message (not its <c>details</c>, which may echo submitted data), the status, and the request id Amazon support
/// asks for. Retries have already run by the time one of these reaches the notifier.
/// </summary>
internal static class AmazonNotifyFailures
{
    public static bool IsExpected(Exception ex, CancellationToken cancellationToken) =>
        ex is SellingPartnerApiException or AmazonAuthenticationException or HttpRequestException or BrokenCircuitException
            or TimeoutRejectedException or RateLimiterRejectedException or FormatException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static string Describe(Exception ex, string what) => ex switch
    {
        SellingPartnerApiException { StatusCode: HttpStatusCode.TooManyRequests } api =>
            $"Amazon kept throttling {what} after every retry ({Amazon(api)}); retry later.",
        SellingPartnerApiException { StatusCode: >= HttpStatusCode.InternalServerError } api =>
            $"Amazon failed {what} after every retry ({Amazon(api)}); retry later.",
        SellingPartnerApiException { StatusCode: 0 } api => $"Amazon answered {what} with something unreadable: {api.Message}",
        SellingPartnerApiException api => $"Amazon refused {what} ({Amazon(api)}).",
        AmazonAuthenticationException auth => $"Login with Amazon refused a token for {what}: {auth.Message}",
        BrokenCircuitException => $"Amazon has failed repeatedly for this seller, so {what} was not attempted (circuit open); retry later.",
        FormatException format => $"Amazon's answer to {what} could not be read: {format.Message}",
        _ => $"Amazon could not be reached for {what}: {ex.Message}",
    };

    private static string Amazon(SellingPartnerApiException api)
    {
        var errors = api.Errors.Count == 0
            ? "no error body"
            : string.Join("; ", api.Errors.Select(e => $"{e.Code}: {e.Message}"));
        return $"HTTP {(int)api.StatusCode}, {errors}, request id {api.RequestId ?? "unknown"}";
    }
}
