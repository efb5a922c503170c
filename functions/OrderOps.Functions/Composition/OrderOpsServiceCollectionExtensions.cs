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
using OrderOps.Hosting;
using OrderOps.Hosting.Standalone;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Messaging;

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

        services.AddShopifyChannel(configuration);

        // The order lifecycle: its engine, routing policy, fulfillment locations and channel notifiers.
        services.AddSingleton(configuration.GetSection("OrderOps:Lifecycle").Get<LifecycleOptions>() ?? new LifecycleOptions());
        services.AddSingleton<IRoutingPolicy, MinimalShipmentsRoutingPolicy>();
        services.AddSingleton<IStockAllocator, LedgerStockAllocator>();
        services.AddSingleton<LifecycleEngine>();
        services.AddSingleton<TimerSweeper>();
        services.Configure<FulfillmentOptions>(configuration.GetSection("Fulfillment"));
        services.AddHttpFulfillmentLocations();
        services.AddShopifyChannelNotifier();
        // Amazon: confirmShipment and cancellation feeds; with no Amazon account configured it answers Failed naming the
        // missing setting, like the not-wired placeholder did, so the app starts either way.
        services.AddAmazonChannelNotifier();

        // EDI: 855/856 to the edi-outbox; AddEdiChannel registers its notifier.
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
                var embedded = EmbeddedOptions(configuration);
                services.AddEmbeddedStorage(embedded);
                services.PostConfigure<StandaloneOptions>(o => o.DataDirectory = embedded.DataDirectory);
                break;
            case var b when b.Equals(StorageBackends.Azure, StringComparison.OrdinalIgnoreCase):
                var standalone = HostingModes.Resolve(configuration) == HostingMode.Standalone;
                services.AddAzureStorage(configuration);
                // The ledger on Cosmos DB in both modes. Standalone, the app pumps the ledger's own change log; in a
                // Function app the Cosmos DB trigger reads the inventory container's change feed, so no log is kept.
                services.AddAzureInventory(changeLog: standalone);
                services.AddHostedService<AzureStorageInitializer>();
                if (standalone)
                {
                    // Only the Functions host receives from Service Bus. A standalone app on the Azure backend pumps its
                    // queues itself, so its messages stay in the embedded durable queue (a SQLite file in the data
                    // directory); orders, keys, the archive, the inventory and the lifecycle's timers and exceptions
                    // still go to Azure.
                    var local = EmbeddedOptions(configuration);
                    AddEmbeddedMessaging(services, local);
                    services.PostConfigure<StandaloneOptions>(o => o.DataDirectory = local.DataDirectory);
                }
                else
                {
                    services.AddAzureMessaging(configuration);
                }

                break;
            default:
                throw new OptionsValidationException("Storage:Backend", typeof(string), [$"Storage:Backend '{backend}' is not supported; use '{StorageBackends.Embedded}' or '{StorageBackends.Azure}'."]);
        }
    }

    private static EmbeddedStorageOptions EmbeddedOptions(IConfiguration configuration) => new()
    {
        DataDirectory = configuration["OrderOps:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.CurrentDirectory, "data"),
    };

    private static void AddEmbeddedMessaging(IServiceCollection services, EmbeddedStorageOptions options)
    {
        services.AddSingleton(new QueueRetryPolicy());
        services.AddSingleton(options);
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<EmbeddedStorageOptions>()));
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<SqliteMessageQueue>();
        services.AddSingleton<IMessageQueue>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        services.AddSingleton<IQueueReceiver>(sp => sp.GetRequiredService<SqliteMessageQueue>());
    }
}

/// <summary>Creates the Azure databases, containers, tables and blob containers at start when <c>Storage:CreateIfMissing</c> is true.</summary>
internal sealed class AzureStorageInitializer(AzureStorage storage, AzureStorageOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.CreateIfMissing ? storage.EnsureCreatedAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class StorageBackends
{
    public const string Embedded = "Embedded";
    public const string Azure = "Azure";
}
