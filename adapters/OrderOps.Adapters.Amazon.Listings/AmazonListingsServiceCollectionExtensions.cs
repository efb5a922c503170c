using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Http;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Listings;

public static class AmazonListingsServiceCollectionExtensions
{
    public const string PipelineName = "amazon-listings-inventory";

    /// <summary>
    /// Registers the Amazon inventory publisher. Needs an <see cref="IAccessTokenSource"/> registered by the caller.
    /// Pipeline (outermost first): retry (exponential, jitter, Retry-After when sent) → the account's rate limiter
    /// (every attempt takes a token, so retries cannot exceed 5 rps) → per-attempt timeout.
    /// </summary>
    public static IServiceCollection AddAmazonListingsInventoryPublisher(this IServiceCollection services, AmazonListingsInventoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        services.AddSingleton(options);
        services.AddSingleton(new AmazonAccountRateLimiter(options));
        services.AddHttpClient<AmazonListingsInventoryPublisher>(client =>
            {
                client.BaseAddress = options.Endpoint;
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
                client.Timeout = RateLimitedPushPipeline.ClientTimeout(options.AttemptTimeout, options.MaxRetryAttempts);
            })
            .AddResilienceHandler(PipelineName, (builder, context) =>
            {
                var limiter = context.ServiceProvider.GetRequiredService<AmazonAccountRateLimiter>();
                builder.AddPushStrategies(limiter.Limiter, options.MaxRetryAttempts, options.RetryBaseDelay, options.AttemptTimeout);
            });
        services.AddSingleton<IChannelInventoryPublisher>(sp => sp.GetRequiredService<AmazonListingsInventoryPublisher>());
        return services;
    }
}

/// <summary>One token bucket per selling-partner account: patchListingsItem's 5 requests per second.</summary>
public sealed class AmazonAccountRateLimiter(AmazonListingsInventoryOptions options) : IDisposable
{
    public RateLimiter Limiter { get; } = RateLimitedPushPipeline.TokenBucket(options.RequestsPerSecond, options.BurstRequests);

    public void Dispose() => Limiter.Dispose();
}
