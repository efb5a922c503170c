using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify.Inventory;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Orders;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Inventory;

public static class InventoryServiceCollectionExtensions
{
    /// <summary>
    /// Inventory from configuration: <c>Inventory</c> (locations, channels, buffers, fan-out timing) and, when the
    /// <c>shopify</c> channel is configured there, its publisher from <c>Channels:Shopify:Inventory</c>.
    /// Without an <c>Inventory</c> section the ledger works but no location is accepted and nothing is pushed.
    /// </summary>
    public static IServiceCollection AddInventory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(InventoryOptions.SectionName).Get<InventoryOptions>() ?? new InventoryOptions();
        if (configuration.GetSection(InventoryOptions.SectionName).Exists() && options.Validate() is { Count: > 0 } errors)
        {
            throw new OptionsValidationException(InventoryOptions.SectionName, typeof(InventoryOptions), errors);
        }

        services.AddSingleton(options);
        services.TryAddSingleton<InventorySignals>();
        services.AddSingleton<InventoryService>();
        services.AddSingleton<InventoryFanOutPlanner>();
        services.AddSingleton<InventoryPushDispatch>();
        services.AddSingleton<IStandaloneTriggerPump, InventoryChangeFeedPump>();

        var shopify = configuration.GetSection(ShopifyInventoryOptions.SectionName).Get<ShopifyInventoryOptions>();
        if (options.Channels.ContainsKey(Channels.Shopify) && shopify is not null)
        {
            services.AddShopifyInventoryPublisher(shopify);
        }

        return services;
    }
}
