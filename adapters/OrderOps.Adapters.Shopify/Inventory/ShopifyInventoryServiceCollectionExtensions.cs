using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Http;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Shopify.Inventory;

public static class ShopifyInventoryServiceCollectionExtensions
{
    public const string PipelineName = "shopify-inventory";

    /// <summary>
    /// Registers the Shopify inventory publisher with its resilience pipeline. Strategy order (outermost first):
    /// retry (exponential with jitter, honours Retry-After) → rate limiter (the store's REST bucket, shared by every
    /// attempt, so retries can never exceed the limit) → per-attempt timeout.
    /// </summary>
    public static IServiceCollection AddShopifyInventoryPublisher(this IServiceCollection services, ShopifyInventoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        services.AddSingleton(options);
        services.AddSingleton(new ShopifyStoreRateLimiter(options));
        services.AddHttpClient<ShopifyInventoryPublisher>(client =>
            {
                client.BaseAddress = options.ResolveBaseAddress();
                client.DefaultRequestHeaders.Add("X-Shopify-Access-Token", options.AccessToken);
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
                // The pipeline owns timeouts; the client's own is only a last resort above all attempts.
                client.Timeout = RateLimitedPushPipeline.ClientTimeout(options.AttemptTimeout, options.MaxRetryAttempts);
            })
            .AddResilienceHandler(PipelineName, (builder, context) =>
            {
                var limiter = context.ServiceProvider.GetRequiredService<ShopifyStoreRateLimiter>();
                builder.AddPushStrategies(limiter.Limiter, options.MaxRetryAttempts, options.RetryBaseDelay, options.AttemptTimeout);
            });
        services.AddSingleton<IChannelInventoryPublisher>(sp => sp.GetRequiredService<ShopifyInventoryPublisher>());
        return services;
    }
}

/// <summary>One token bucket per store, mirroring Shopify's leaky bucket: refills at RequestsPerSecond, holds BurstRequests.</summary>
public sealed class ShopifyStoreRateLimiter(ShopifyInventoryOptions options) : IDisposable
{
    public RateLimiter Limiter { get; } = RateLimitedPushPipeline.TokenBucket(options.RequestsPerSecond, options.BurstRequests);

    public void Dispose() => Limiter.Dispose();
}
