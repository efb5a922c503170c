using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Events;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Storage.Azure.Messaging;

namespace OrderOps.Storage.Azure;

public static class AzureStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers every port on Azure: orders in Cosmos DB, keys/checkpoints/failures/order index and the lifecycle's due
    /// timers and exception queue in Table storage, the
    /// raw archive in Blob storage. Messaging is separate (<see cref="AddAzureMessaging"/>). Connections: see <see cref="AzureConnections"/>. Resource names:
    /// <c>CosmosDb:DatabaseName</c> (default <c>orderops</c>); <c>Storage:CreateIfMissing</c> creates them at start.
    /// </summary>
    public static IServiceCollection AddAzureStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AzureStorageOptions
        {
            DatabaseName = configuration["CosmosDb:DatabaseName"] is { Length: > 0 } name ? name : "orderops",
            CosmosEmulator = AzureConnections.IsTrue(configuration["CosmosDb:Emulator"]),
            CreateIfMissing = AzureConnections.IsTrue(configuration["Storage:CreateIfMissing"]),
        };
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(sp => AzureConnections.CreateCosmosClient(configuration, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton(sp => AzureConnections.CreateTableServiceClient(configuration, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton(sp => AzureConnections.CreateBlobServiceClient(configuration, sp.GetRequiredService<TokenCredential>));
        services.TryAddSingleton(EventSubscriptions.None);
        services.AddSingleton(sp => new AzureStorage(
            sp.GetRequiredService<Microsoft.Azure.Cosmos.CosmosClient>(),
            sp.GetRequiredService<global::Azure.Data.Tables.TableServiceClient>(),
            sp.GetRequiredService<global::Azure.Storage.Blobs.BlobServiceClient>(),
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<EventSubscriptions>(),
            // The dispatcher's wake-up goes through the queue port registered by AddAzureMessaging, looked up when first
            // sent: the queue's failure recorder is made by this AzureStorage, so resolving it here would be circular.
            new DeferredMessageQueue(sp)));
        services.AddSingleton<IEventOutbox>(sp => sp.GetRequiredService<AzureStorage>().CreateEventOutbox());
        services.AddSingleton<IOrderStore>(sp => sp.GetRequiredService<AzureStorage>().CreateOrderStore());
        services.AddSingleton<IOrderOverview>(sp => sp.GetRequiredService<AzureStorage>().CreateOrderOverview());
        services.AddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<AzureStorage>().CreateIdempotencyStore());
        services.AddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<AzureStorage>().CreateCheckpointStore());
        services.AddSingleton<IIngestFailureStore>(sp => sp.GetRequiredService<AzureStorage>().CreateIngestFailureStore());
        services.AddSingleton<IRawArchive>(sp => sp.GetRequiredService<AzureStorage>().CreateRawArchive());
        services.AddSingleton<ILifecycleExceptionStore>(sp => sp.GetRequiredService<AzureStorage>().CreateLifecycleExceptionStore());
        services.AddSingleton<IOutboundDocuments>(sp => new Archive.BlobOutboundDocuments(sp.GetRequiredService<global::Azure.Storage.Blobs.BlobServiceClient>()));
        return services;
    }

    /// <summary>
    /// Registers messaging between functions on Storage queues of the <c>StorageConnection</c> account (after
    /// <see cref="AddAzureStorage"/>): <see cref="IMessageQueue"/> and <see cref="IQueueReceiver"/> as
    /// <see cref="StorageQueueMessaging"/>, and <see cref="IQueueFailureRecorder"/>, which the Function app's worker
    /// middleware calls when a queue-triggered invocation throws under the Functions host. Queues are created on first
    /// use when <c>Storage:CreateIfMissing</c> is true; poison queues always are (as the host does).
    /// </summary>
    public static IServiceCollection AddAzureMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(new QueueRetryPolicy());
        services.AddSingleton(sp => AzureConnections.CreateQueueServiceClient(configuration, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton<IQueueFailureRecorder>(sp => sp.GetRequiredService<AzureStorage>().CreateQueueFailureRecorder());
        services.AddSingleton(sp => new StorageQueueMessaging(
            sp.GetRequiredService<global::Azure.Storage.Queues.QueueServiceClient>(),
            sp.GetRequiredService<IQueueFailureRecorder>(),
            sp.GetRequiredService<QueueRetryPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AzureStorageOptions>().CreateIfMissing,
            sp.GetRequiredService<ILogger<StorageQueueMessaging>>()));
        services.AddSingleton<IMessageQueue>(sp => sp.GetRequiredService<StorageQueueMessaging>());
        services.AddSingleton<IQueueReceiver>(sp => sp.GetRequiredService<StorageQueueMessaging>());
        services.AddSingleton<IQueueBacklog>(sp => sp.GetRequiredService<StorageQueueMessaging>());
        return services;
    }

    /// <summary>
    /// Registers the inventory ledger on Cosmos DB and the publication store on Table storage (after
    /// <see cref="AddAzureStorage"/>). <paramref name="changeLog"/>: keep the ledger's change log, which the standalone
    /// change-feed pump reads; a Function app passes false, because its Cosmos DB trigger reads the inventory container's
    /// real change feed (see <see cref="CosmosInventoryLedger"/>). The ledger announces changed SKUs on the registered
    /// <see cref="IMessageQueue"/> (<c>inventory-changes</c>), so register messaging first.
    /// </summary>
    public static IServiceCollection AddAzureInventory(this IServiceCollection services, bool changeLog)
    {
        services.TryAddSingleton<InventorySignals>();
        services.AddSingleton<IInventoryLedger>(sp => sp.GetRequiredService<AzureStorage>().CreateInventoryLedger(
            new CosmosInventoryLedgerOptions { ChangeLog = changeLog },
            sp.GetRequiredService<InventorySignals>(),
            sp.GetService<ILogger<CosmosInventoryLedger>>(),
            sp.GetService<IMessageQueue>()));
        services.AddSingleton<IInventoryPublicationStore>(sp => sp.GetRequiredService<AzureStorage>().CreateInventoryPublicationStore());
        return services;
    }
}

/// <summary>The registered <see cref="IMessageQueue"/>, resolved at the first send (none registered: nothing is sent).</summary>
internal sealed class DeferredMessageQueue(IServiceProvider services) : IMessageQueue
{
    public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken) =>
        services.GetService<IMessageQueue>()?.SendAsync(queueName, message, cancellationToken) ?? Task.CompletedTask;
}
