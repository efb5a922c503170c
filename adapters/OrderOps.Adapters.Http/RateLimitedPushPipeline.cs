using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace OrderOps.Adapters.Http;

/// <summary>
/// The resilience stack of a push to a rate-limited channel API, outermost first: retry (exponential backoff with
/// jitter, honouring Retry-After) → the channel's token bucket → a timeout per attempt. Retries sit outside the rate
/// limiter so every retry also spends a token: the channel's limit holds whatever fails.
/// </summary>
public static class RateLimitedPushPipeline
{
    /// <summary>A token bucket refilled at <paramref name="requestsPerSecond"/> holding <paramref name="burst"/>; callers queue rather than fail.</summary>
    public static RateLimiter TokenBucket(double requestsPerSecond, int burst) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1 / requestsPerSecond),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    public static ResiliencePipelineBuilder<HttpResponseMessage> AddPushStrategies(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, RateLimiter limiter, int maxRetryAttempts, TimeSpan retryBaseDelay, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, maxRetryAttempts),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryBaseDelay,
                ShouldRetryAfterHeader = true,
            })
            .AddRateLimiter(limiter)
            .AddTimeout(attemptTimeout);
    }

    /// <summary>The HttpClient's own timeout: only a last resort above every attempt and its backoff, since the pipeline owns timeouts.</summary>
    public static TimeSpan ClientTimeout(TimeSpan attemptTimeout, int maxRetryAttempts) => attemptTimeout * (maxRetryAttempts + 2) + TimeSpan.FromMinutes(1);
}
