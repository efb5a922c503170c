using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using OrderOps.Core.Ports;
using Polly;

namespace OrderOps.Adapters.Shopify.Fulfillment;

public static class ShopifyFulfillmentServiceCollectionExtensions
{
    /// <summary>Registers the Shopify channel notifier on an HTTP client with retries (429/5xx/network) and timeouts.</summary>
    public static IServiceCollection AddShopifyChannelNotifier(this IServiceCollection services)
    {
        services.AddHttpClient(ShopifyChannelNotifier.ClientName)
            .AddResilienceHandler("shopify-admin", pipeline => pipeline
                .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromMilliseconds(500), BackoffType = DelayBackoffType.Exponential, UseJitter = true })
                .AddTimeout(TimeSpan.FromSeconds(15)));
        services.AddSingleton<IChannelNotifier, ShopifyChannelNotifier>();
        return services;
    }
}
