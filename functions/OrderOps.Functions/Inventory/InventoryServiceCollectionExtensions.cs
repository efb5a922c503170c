using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Auth;
using OrderOps.Adapters.Amazon.Listings;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Orders;

namespace OrderOps.Functions.Inventory;

public static class InventoryServiceCollectionExtensions
{
    /// <summary>
    /// Inventory from configuration: <c>Inventory</c> (locations, channels, buffers, fan-out timing) and, when the
    /// <c>shopify</c> channel is configured there, its publisher from <c>Channels:Shopify:Inventory</c>; likewise
    /// <c>amazon</c> from <c>Channels:Amazon:Inventory</c> (SellerId, MarketplaceId), with tokens from the Amazon
    /// adapter's LWA provider and the SP-API endpoint of <c>Channels:Amazon:Endpoint</c> unless set here.
    /// Without an <c>Inventory</c> section the ledger works but no location is accepted and nothing is pushed.
    /// </summary>
    public static IServiceCollection AddInventory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(InventoryOptions.SectionName).Get<InventoryOptions>() ?? new InventoryOptions();
        // Only the fan-out's schedules (which appsettings.json always sets) do not make an inventory configuration.
        var section = configuration.GetSection(InventoryOptions.SectionName);
        var configured = section.GetSection(nameof(InventoryOptions.Locations)).Exists() || section.GetSection(nameof(InventoryOptions.Channels)).Exists();
        if (configured && options.Validate() is { Count: > 0 } errors)
        {
            throw new OptionsValidationException(InventoryOptions.SectionName, typeof(InventoryOptions), errors);
        }

        services.AddSingleton(options);
        services.TryAddSingleton<InventorySignals>();
        services.AddSingleton<InventoryService>();
        services.AddSingleton<InventoryDrift>();
        services.AddSingleton<InventoryFanOutPlanner>();
        services.AddSingleton<ChannelAccounts>();
        services.AddSingleton<ChannelSyncActivities>();
        services.AddSingleton<ChannelSyncSignaller>();

        var amazonSection = configuration.GetSection(AmazonListingsInventoryOptions.SectionName);
        if (options.Channels.ContainsKey(Channels.Amazon) && amazonSection.Exists())
        {
            var amazon = amazonSection.Get<AmazonListingsInventoryOptions>() ?? new AmazonListingsInventoryOptions();
            if (amazonSection["Endpoint"] is null && configuration["Channels:Amazon:Endpoint"] is { Length: > 0 } endpoint)
            {
                amazon.Endpoint = new Uri(endpoint);
            }

            services.AddSingleton<IAccessTokenSource>(sp => new LwaAccessTokenSource(sp.GetRequiredService<ILwaAccessTokenProvider>(), amazon.SellerId));
            services.AddAmazonListingsInventoryPublisher(amazon);
        }

        return services;
    }
}
