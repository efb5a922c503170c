using Microsoft.Extensions.Options;
using OrderOps.Adapters.Fulfillment;
using OrderOps.Adapters.EdiX12;
using OrderOps.Adapters.Shopify;
using OrderOps.Adapters.Shopify.Fulfillment;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Ingest;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Functions.Inventory;
using OrderOps.Hosting.Standalone;
using OrderOps.Storage.Embedded;

namespace OrderOps.Functions.Composition;

/// <summary>The composition root: which backend, which channels, which core services.</summary>
public static class OrderOpsServiceCollectionExtensions
{
    public static IServiceCollection AddOrderOps(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            // HTTP bodies follow the same conventions as every stored document.
            var shared = OrderOpsJson.Options;
            json.SerializerOptions.PropertyNamingPolicy = shared.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = shared.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = shared.Encoder;
            foreach (var converter in shared.Converters)
            {
                json.SerializerOptions.Converters.Add(converter);
            }
        });

        services.AddSingleton(TimeProvider.System);
        AddStorage(services, configuration);

        services.AddSingleton(configuration.GetSection("OrderOps:Ingest").Get<IngestOptions>() ?? new IngestOptions());
        services.AddSingleton<InboundAcceptor>();
        services.AddSingleton<OrderIngestor>();

        services.Configure<ShopifyOptions>(configuration.GetSection("Channels:Shopify"));
        services.AddSingleton<IChannelOrderMapper, ShopifyOrderMapper>();

        // The order lifecycle: its engine, routing policy, fulfillment locations and channel notifiers.
        services.AddSingleton(configuration.GetSection("OrderOps:Lifecycle").Get<LifecycleOptions>() ?? new LifecycleOptions());
        services.AddSingleton<IRoutingPolicy, MinimalShipmentsRoutingPolicy>();
        services.AddSingleton<LifecycleEngine>();
        services.AddSingleton<TimerSweeper>();
        services.Configure<FulfillmentOptions>(configuration.GetSection("Fulfillment"));
        services.AddHttpFulfillmentLocations();
        services.AddShopifyChannelNotifier();

        // Seams: an Amazon confirmShipment notifier and an EDI 855/856 notifier replace these once they exist.
        services.AddSingleton<IChannelNotifier>(NotWiredChannelNotifier.Amazon());
        services.AddSingleton<IChannelNotifier>(NotWiredChannelNotifier.Edi());
        services.AddAmazonChannel(configuration);
        services.AddEdiChannel(configuration);
        services.AddInventory(configuration);
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        var backend = configuration["Storage:Backend"] ?? StorageBackends.Embedded;
        switch (backend)
        {
            case var b when b.Equals(StorageBackends.Embedded, StringComparison.OrdinalIgnoreCase):
                var dataDirectory = configuration["OrderOps:DataDirectory"] is { Length: > 0 } configured
                    ? Path.GetFullPath(configured)
                    : Path.Combine(Environment.CurrentDirectory, "data");
                services.AddEmbeddedStorage(new EmbeddedStorageOptions { DataDirectory = dataDirectory });
                services.PostConfigure<StandaloneOptions>(o => o.DataDirectory = dataDirectory);
                break;
            default:
                throw new OptionsValidationException("Storage:Backend", typeof(string), [$"Storage:Backend '{backend}' is not supported by this build; use '{StorageBackends.Embedded}'."]);
        }
    }
}

public static class StorageBackends
{
    public const string Embedded = "Embedded";
    public const string Azure = "Azure";
}
