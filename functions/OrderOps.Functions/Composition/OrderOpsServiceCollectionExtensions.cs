using Microsoft.Extensions.Options;
using OrderOps.Adapters.Events;
using OrderOps.Adapters.Fulfillment;
using OrderOps.Adapters.EdiX12;
using OrderOps.Adapters.Shopify;
using OrderOps.Adapters.Shopify.Fulfillment;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Ingest;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Functions.Console;
using OrderOps.Functions.Inventory;
using OrderOps.Functions.OpenApi;
using OrderOps.Functions.Operations.Health;
using OrderOps.Functions.Telemetry;
using OrderOps.Hosting;
using OrderOps.Hosting.Standalone;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Functions.Composition;

/// <summary>The composition root: which backend, which channels, which core services.</summary>
public static class OrderOpsServiceCollectionExtensions
{
    /// <summary>Everything the functions need, the same in both hosting modes.</summary>
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
        // Each channel account's last poll/push success and failure, for the Channels page (over ICheckpointStore).
        services.AddSingleton<OrderOps.Core.Operations.ChannelActivityLog>();

        services.AddSingleton(configuration.GetSection("OrderOps:Ingest").Get<IngestOptions>() ?? new IngestOptions());
        services.AddSingleton<InboundAcceptor>();
        services.AddSingleton<OrderIngestor>();

        services.AddShopifyChannel(configuration);

        // The order lifecycle: its activities' work, routing policy, fulfillment locations and channel notifiers. The
        // orchestrations themselves run under Durable Functions (or the standalone durable runtime, StandaloneDurable).
        services.AddSingleton(configuration.GetSection("OrderOps:Lifecycle").Get<LifecycleOptions>() ?? new LifecycleOptions());
        services.AddSingleton<IRoutingPolicy, MinimalShipmentsRoutingPolicy>();
        services.AddSingleton<IStockAllocator, LedgerStockAllocator>();
        services.AddSingleton<LifecycleActivities>();
        services.AddSingleton<StockArrivalRetry>();
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

        // Outbound business events: the stores write them in their commits; the dispatcher delivers them.
        services.AddOutboundEvents(configuration);

        // The operator surface: the OpenAPI document of every HTTP function, readiness, the console, telemetry.
        services.AddFunctionOpenApi(typeof(OrderOpsServiceCollectionExtensions).Assembly);
        services.AddOperatorHealth(configuration);
        services.AddOperatorConsole(configuration);
        services.AddOrderOpsTelemetry(configuration);
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
                services.AddAzureStorage(configuration);
                // The ledger on Cosmos DB; its commits wake the fan-out through the inventory-changes queue.
                services.AddAzureInventory(changeLog: false);
                services.AddHostedService<AzureStorageInitializer>();
                // Messages go through Storage queues in both modes: the Functions host triggers on them, a standalone app
                // pumps them itself. Only the inbox folder standing in for the edi-inbox container stays local.
                services.AddAzureMessaging(configuration);
                services.PostConfigure<StandaloneOptions>(o => o.DataDirectory = DataDirectory.Resolve(configuration));
                break;
            default:
                throw new OptionsValidationException("Storage:Backend", typeof(string), [$"Storage:Backend '{backend}' is not supported; use '{StorageBackends.Embedded}' or '{StorageBackends.Azure}'."]);
        }
    }

    private static EmbeddedStorageOptions EmbeddedOptions(IConfiguration configuration) => new() { DataDirectory = DataDirectory.Resolve(configuration) };
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
