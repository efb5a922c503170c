using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify;
using OrderOps.Adapters.Shopify.Admin;
using OrderOps.Adapters.Shopify.Fulfillment;
using OrderOps.Adapters.Shopify.Inventory;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Ingest;
using OrderOps.Core.Ports;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

public static class ShopifyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Shopify channel from <c>Channels:Shopify</c> of <paramref name="configuration"/> (the root
    /// configuration): <see cref="ShopifyOptions"/> validated at start, the order mapper, the channel notifier, and one
    /// inventory publisher per shop with a <c>LocationId</c> (its <c>InventoryChannel</c> names its
    /// <c>Inventory:Channels</c> entry). SKU → inventory item ids are remembered in the host's
    /// <see cref="ICheckpointStore"/>. Today's single-shop <c>Channels:Shopify:Inventory</c> section is read as one shop.
    /// </summary>
    public static IServiceCollection AddShopifyChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ShopifyOptions.SectionName);
        services.AddOptions<ShopifyOptions>()
            .Bind(section)
            .PostConfigure(options => ShopifyLegacySettings.Apply(options, section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopifyOptions>, ShopifyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelOrderMapper, ShopifyOrderMapper>());
        services.AddShopifyChannelNotifier();

        // Publishers are known from configuration at registration: one per shop that mirrors a location.
        var options = new ShopifyOptions();
        section.Bind(options);
        ShopifyLegacySettings.Apply(options, section);
        foreach (var (shopDomain, shop) in options.Shops.Where(s => s.Value.LocationId is not null))
        {
            services.AddSingleton<IChannelInventoryPublisher>(sp => new ShopifyInventoryPublisher(
                shopDomain,
                sp.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().CurrentValue.Shops[shopDomain],
                sp.GetRequiredService<ShopifyAdminClient>(),
                sp.GetRequiredService<ShopifyInventoryItems>(),
                sp.GetRequiredService<ILogger<ShopifyInventoryPublisher>>()));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ShopifyInventoryItems>();
        return services;
    }

    /// <summary>
    /// The channel notifier and the Admin API client it calls through (HTTP retries for 429/5xx/network, a timeout per
    /// attempt). <see cref="AddShopifyChannel"/> includes it; hosts that configure <see cref="ShopifyOptions"/>
    /// themselves may call it alone.
    /// </summary>
    public static IServiceCollection AddShopifyChannelNotifier(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ShopifyAdminClient)))
        {
            return services;
        }

        services.AddHttpClient(ShopifyAdminClient.HttpClientName)
            .AddResilienceHandler("shopify-admin", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().CurrentValue;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts),
                        Delay = options.RetryBaseDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                    })
                    .AddTimeout(options.AttemptTimeout);
            });
        services.AddSingleton<ShopifyAdminClient>();
        services.AddSingleton<IChannelNotifier, ShopifyChannelNotifier>();
        return services;
    }
}
