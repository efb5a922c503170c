using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using OrderOps.Core.Events;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Events;
using OrderOps.Storage.Azure.Archive;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Storage.Azure.Keys;
using OrderOps.Storage.Azure.Lifecycle;
using OrderOps.Storage.Azure.Orders;

namespace OrderOps.Storage.Azure;

/// <summary>The Azure backend's stores over one set of clients; <see cref="EnsureCreatedAsync"/> creates what is missing.</summary>
/// <remarks>Outbound events: with <paramref name="subscriptions"/> the order and publication stores write them to the event
/// outbox (<see cref="CreateEventOutbox"/>) and wake the dispatcher through <paramref name="wake"/>.</remarks>
public sealed class AzureStorage(
    CosmosClient cosmos, TableServiceClient tables, BlobServiceClient blobs, AzureStorageOptions options, TimeProvider time,
    EventSubscriptions? subscriptions = null, IMessageQueue? wake = null)
{
    private Container Orders => cosmos.GetContainer(options.DatabaseName, options.OrdersContainer);

    public CosmosOrderStore CreateOrderStore() => new(Orders, CreateOrderIndex(), time, options.CosmosEmulator, CreateEventOutbox(), subscriptions, wake, CreateOrderSearchIndex());

    /// <summary>The event outbox; unconfirmed rows are checked against the order history or the publication row that made them.</summary>
    public TableEventOutbox CreateEventOutbox() => new(tables.GetTableClient(options.EventOutboxTable), time, (source, e, ct) => source switch
    {
        TableEventOutbox.OrderSource => new CosmosOrderStore(Orders, CreateOrderIndex(), time, options.CosmosEmulator).IsCommittedAsync(e, ct),
        TableEventOutbox.PublicationSource => new TableInventoryPublicationStore(tables.GetTableClient(options.InventoryPublicationsTable)).IsCommittedAsync(e, ct),
        _ => Task.FromResult<bool?>(false),
    });

    public TableOrderOverview CreateOrderOverview() => new(tables.GetTableClient(options.OrderIndexTable), CreateOrderStore(), CreateOrderSearchIndex());

    public OrderSearchIndex CreateOrderSearchIndex() => new(tables.GetTableClient(options.OrderSearchTable));

    public OrderIndex CreateOrderIndex() => new(tables.GetTableClient(options.OrderIndexTable));

    public TableIdempotencyStore CreateIdempotencyStore() => new(tables.GetTableClient(options.IdempotencyTable), time);

    public TableCheckpointStore CreateCheckpointStore() => new(tables.GetTableClient(options.CheckpointTable), time);

    public TableIngestFailureStore CreateIngestFailureStore() => new(tables.GetTableClient(options.IngestFailureTable));

    /// <summary>The inventory ledger; <paramref name="ledger"/> says whether it keeps the change log (standalone) or not (Function app);
    /// <paramref name="changes"/>: where it announces changed SKUs (<c>inventory-changes</c>); null announces nothing.</summary>
    public CosmosInventoryLedger CreateInventoryLedger(
        CosmosInventoryLedgerOptions ledger,
        InventorySignals? signals = null,
        Microsoft.Extensions.Logging.ILogger<CosmosInventoryLedger>? logger = null,
        OrderOps.Core.Ports.IMessageQueue? changes = null) =>
        new(cosmos.GetContainer(options.DatabaseName, options.InventoryContainer), cosmos.GetContainer(options.DatabaseName, options.InventoryMetaContainer),
            time, ledger, options.CosmosEmulator, signals, logger, changes);

    public TableInventoryPublicationStore CreateInventoryPublicationStore() =>
        new(tables.GetTableClient(options.InventoryPublicationsTable), CreateEventOutbox(), subscriptions, wake);


    public TableLifecycleExceptionStore CreateLifecycleExceptionStore() => new(tables.GetTableClient(options.LifecycleExceptionTable), time);

    public Messaging.TableQueueFailureRecorder CreateQueueFailureRecorder() => new(tables.GetTableClient(options.QueueFailureTable), time);

    public BlobRawArchive CreateRawArchive() => new(blobs.GetBlobContainerClient(options.RawArchiveContainer));

    /// <summary>
    /// Creates the database, its containers (orders by <c>/orderId</c>, inventory by <c>/sku</c>, the inventory meta container
    /// by <c>/pk</c>), the tables and the blob container when missing (queues are created on first use, see
    /// <see cref="Messaging.StorageQueueMessaging"/>). The Bicep in
    /// infra/ declares the same resources for Azure.
    /// </summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var database = (await cosmos.CreateDatabaseIfNotExistsAsync(options.DatabaseName, cancellationToken: cancellationToken)).Database;
        foreach (var (container, partitionKey) in options.CosmosContainers)
        {
            await database.CreateContainerIfNotExistsAsync(new ContainerProperties(container, partitionKey), cancellationToken: cancellationToken);
        }

        foreach (var table in options.Tables)
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        await blobs.GetBlobContainerClient(options.RawArchiveContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Deletes what <see cref="EnsureCreatedAsync"/> created (tests only).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await cosmos.GetDatabase(options.DatabaseName).DeleteAsync(cancellationToken: cancellationToken);
        foreach (var table in options.Tables)
        {
            await tables.DeleteTableAsync(table, cancellationToken);
        }

        await blobs.GetBlobContainerClient(options.RawArchiveContainer).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }
}
