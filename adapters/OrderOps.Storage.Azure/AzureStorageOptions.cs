namespace OrderOps.Storage.Azure;

/// <summary>Names of the Azure resources the backend uses inside the configured accounts.</summary>
public sealed record AzureStorageOptions
{
    /// <summary><c>CosmosDb:DatabaseName</c>; the Cosmos DB trigger reads the same setting (<c>%CosmosDb__DatabaseName%</c>).</summary>
    public string DatabaseName { get; init; } = "orderops";

    /// <summary>Orders and their events, partitioned by <c>/orderId</c>.</summary>
    public string OrdersContainer { get; init; } = "orders";

    /// <summary>The inventory ledger's SKU documents and movements, partitioned by <c>/sku</c>.</summary>
    public string InventoryContainer { get; init; } = "inventory";

    /// <summary>The ledger's order documents, movement-id claims, SKU index and change log, partitioned by <c>/pk</c>.</summary>
    public string InventoryMetaContainer { get; init; } = "inventory-meta";

    /// <summary>
    /// Leases of the custom handler's Cosmos DB trigger. No longer created (not in <see cref="CosmosContainers"/> nor infra/):
    /// the isolated worker has no Cosmos DB trigger; the inventory fan-out wakes on the inventory-changes queue instead.
    /// Kept only until that trigger's declaration is gone.
    /// </summary>
    public string LeasesContainer { get; init; } = "leases";

    public string IdempotencyTable { get; init; } = "idempotencykeys";

    public string CheckpointTable { get; init; } = "checkpoints";

    public string IngestFailureTable { get; init; } = "ingestfailures";

    /// <summary>The order list index (see <see cref="Orders.OrderIndex"/>).</summary>
    public string OrderIndexTable { get; init; } = "orderindex";

    /// <summary>Orders by customer e-mail (hashed) and SKU (see <see cref="Orders.OrderSearchIndex"/>).</summary>
    public string OrderSearchTable { get; init; } = "ordersearch";


    /// <summary>The lifecycle's exception queue (see <see cref="Lifecycle.TableLifecycleExceptionStore"/>).</summary>
    public string LifecycleExceptionTable { get; init; } = "lifecycleexceptions";

    /// <summary>What each channel was last told per SKU and the pushes still owed (see <see cref="Inventory.TableInventoryPublicationStore"/>).</summary>
    public string InventoryPublicationsTable { get; init; } = "inventorypublications";

    /// <summary>The last error of each failed queue message, keyed by queue and body hash (see <see cref="Messaging.TableQueueFailureRecorder"/>).</summary>
    public string QueueFailureTable { get; init; } = "queuefailures";

    /// <summary>Every table above: what <see cref="AzureStorage.EnsureCreatedAsync"/> creates and infra/ must declare.</summary>
    /// <summary>Outbound events owed to each subscriber (see <see cref="Events.TableEventOutbox"/>).</summary>
    public string EventOutboxTable { get; init; } = "eventoutbox";

    public IReadOnlyList<string> Tables => [IdempotencyTable, CheckpointTable, IngestFailureTable, OrderIndexTable, OrderSearchTable, LifecycleExceptionTable, InventoryPublicationsTable, QueueFailureTable, EventOutboxTable];

    /// <summary>Every Cosmos DB container the backend uses, with its partition key path: what <see cref="AzureStorage.EnsureCreatedAsync"/> creates and infra/ must declare.</summary>
    public IReadOnlyList<(string Name, string PartitionKey)> CosmosContainers =>
        [(OrdersContainer, "/orderId"), (InventoryContainer, "/sku"), (InventoryMetaContainer, "/pk")];

    public string RawArchiveContainer { get; init; } = "raw";

    /// <summary><c>CosmosDb:Emulator</c>: talking to an emulator; tolerate its known deviations (see CosmosOrderStore).</summary>
    public bool CosmosEmulator { get; init; }

    /// <summary>
    /// Create the database, containers and tables when missing. On for emulators and local runs; the Bicep creates
    /// them in Azure, where the app's identity has data-plane roles only and could not create them anyway.
    /// </summary>
    public bool CreateIfMissing { get; init; }
}
