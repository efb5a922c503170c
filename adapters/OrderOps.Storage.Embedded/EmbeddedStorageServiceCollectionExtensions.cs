using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderOps.Core.Events;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded.Archive;
using OrderOps.Storage.Embedded.Events;
using OrderOps.Storage.Embedded.Files;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Keys;
using OrderOps.Storage.Embedded.Lifecycle;
using OrderOps.Storage.Embedded.Messaging;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Storage.Embedded;

public static class EmbeddedStorageServiceCollectionExtensions
{
    /// <summary>Registers every port on the embedded SQLite backend.</summary>
    public static IServiceCollection AddEmbeddedStorage(this IServiceCollection services, EmbeddedStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new QueueRetryPolicy());
        services.AddSingleton(options);
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<EmbeddedStorageOptions>()));
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<SqliteMessageQueue>();
        services.AddSingleton<IMessageQueue>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        services.AddSingleton<IQueueReceiver>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        services.AddSingleton<IQueueBacklog>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        services.TryAddSingleton(EventSubscriptions.None);
        services.AddSingleton<IOrderStore>(sp => new SqliteOrderStore(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<EventSubscriptions>(), sp.GetRequiredService<QueueSignal>()));
        services.AddSingleton<IOrderOverview, SqliteOrderOverview>();
        services.AddSingleton<IEventOutbox, SqliteEventOutbox>();
        services.AddSingleton<IIdempotencyStore, SqliteIdempotencyStore>();
        services.AddSingleton<ICheckpointStore, SqliteCheckpointStore>();
        services.AddSingleton<IRawArchive, SqliteRawArchive>();
        services.AddSingleton<IIngestFailureStore, SqliteIngestFailureStore>();
        services.AddSingleton<ILifecycleExceptionStore, SqliteLifecycleExceptionStore>();
        services.AddSingleton<IOutboundDocuments, FolderOutboundDocuments>();
        services.TryAddSingleton<InventorySignals>();
        services.AddSingleton<IInventoryLedger>(sp => new SqliteInventoryLedger(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InventorySignals>(), sp.GetRequiredService<QueueSignal>()));
        services.AddSingleton<IInventoryPublicationStore>(sp => new SqliteInventoryPublicationStore(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<EventSubscriptions>(), sp.GetRequiredService<QueueSignal>()));
        return services;
    }
}
