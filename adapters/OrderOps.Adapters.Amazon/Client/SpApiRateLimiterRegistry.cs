using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// One <see cref="AdaptiveTokenBucketRateLimiter"/> per seller account and operation, because that is how Amazon
/// meters usage plans (per selling partner and application, per operation). Singleton: the buckets must outlive
/// any single HttpClient or poll run.
/// </summary>
public sealed class SpApiRateLimiterRegistry : IDisposable
{
    private readonly ConcurrentDictionary<(string SellerId, string Operation), AdaptiveTokenBucketRateLimiter> _limiters = new();
    private readonly IOptionsMonitor<AmazonOptions> _options;
    private readonly TimeProvider _timeProvider;

    public SpApiRateLimiterRegistry(IOptionsMonitor<AmazonOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public AdaptiveTokenBucketRateLimiter Get(string sellerId, string operation) =>
        _limiters.GetOrAdd((sellerId, operation), key =>
        {
            var limit = _options.CurrentValue.RateLimits.ByOperation().TryGetValue(key.Operation, out var plan)
                ? plan
                : throw new ArgumentOutOfRangeException(nameof(operation), operation, "No usage plan is configured for this operation.");
            return new AdaptiveTokenBucketRateLimiter(limit.RequestsPerSecond, limit.Burst, _timeProvider);
        });

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
