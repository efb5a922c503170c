using Microsoft.Extensions.Time.Testing;
using OrderOps.Adapters.Amazon.Client;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>Driven by a fake clock: a 60-second refill (v0 getOrders' plan) is tested without waiting a minute.</summary>
public sealed class AdaptiveTokenBucketRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    [Fact(Timeout = 30_000)]
    public async Task Serves_the_burst_then_one_token_per_interval()
    {
        // getOrders' documented plan: 0.0167 rps (one token every ~59.9 s), burst 20.
        using var limiter = new AdaptiveTokenBucketRateLimiter(0.0167, 20, _time);
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await limiter.AcquireAsync(1)).IsAcquired);
        }

        var next = limiter.AcquireAsync(1).AsTask();
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await next).IsAcquired);
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
    }

    [Fact(Timeout = 30_000)]
    public async Task Adopts_the_rate_amazon_reports()
    {
        using var limiter = new AdaptiveTokenBucketRateLimiter(0.0167, 1, _time);
        Assert.True((await limiter.AcquireAsync(1)).IsAcquired);

        limiter.UpdateRate(0.5); // x-amzn-RateLimit-Limit: 0.5
        var next = limiter.AcquireAsync(1).AsTask();
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2.1));

        Assert.True((await next).IsAcquired);
        Assert.Equal(0.5, limiter.TokensPerSecond);
    }

    [Fact]
    public void Drain_empties_the_bucket_after_a_throttle()
    {
        using var limiter = new AdaptiveTokenBucketRateLimiter(0.5, 30, _time);
        limiter.Drain();

        var lease = limiter.AttemptAcquire(1);
        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.1));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
    }

    [Fact]
    public void Ignores_rates_that_are_not_positive()
    {
        using var limiter = new AdaptiveTokenBucketRateLimiter(0.5, 30, _time);
        limiter.UpdateRate(0);
        limiter.UpdateRate(double.NaN);
        Assert.Equal(0.5, limiter.TokensPerSecond);
    }
}
