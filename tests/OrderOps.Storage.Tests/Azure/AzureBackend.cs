using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>
/// The Azure backend on fresh resources per test (a database, tables and a blob container with a unique suffix) in the
/// emulators or account named by <see cref="AzureTestEnvironment"/>; all deleted afterwards.
/// </summary>
public sealed class AzureBackend : IStorageBackend
{
    internal static readonly Lazy<CosmosClient> Cosmos = new(() =>
        new CosmosClient(AzureTestEnvironment.CosmosEndpoint, AzureTestEnvironment.CosmosKey, AzureConnections.CosmosOptions(AzureTestEnvironment.CosmosIsEmulator)));

    private readonly AzureStorage _storage;

    private AzureBackend(AzureStorage storage, FakeTimeProvider time, Container orders)
    {
        _storage = storage;
        OrdersContainer = orders;
        Time = time;
        Orders = storage.CreateOrderStore();
        OrderIndex = storage.CreateOrderIndex();
        OrderSearch = storage.CreateOrderSearchIndex();
        Overview = storage.CreateOrderOverview();
        Keys = storage.CreateIdempotencyStore();
        Checkpoints = storage.CreateCheckpointStore();
        Archive = storage.CreateRawArchive();
        Failures = storage.CreateIngestFailureStore();
    }

    public FakeTimeProvider Time { get; }

    public IOrderStore Orders { get; }

    public IOrderOverview Overview { get; }

    /// <summary>The order list index, for tests that simulate a crashed save.</summary>
    public OrderOps.Storage.Azure.Orders.OrderIndex OrderIndex { get; }

    /// <summary>The e-mail and SKU index, for tests that simulate a crashed save.</summary>
    public OrderOps.Storage.Azure.Orders.OrderSearchIndex OrderSearch { get; }

    /// <summary>The Cosmos DB container of the order documents, for tests that write what an older build wrote.</summary>
    public Container OrdersContainer { get; }

    public IIdempotencyStore Keys { get; }

    public ICheckpointStore Checkpoints { get; }

    public IRawArchive Archive { get; }

    public IIngestFailureStore Failures { get; }

    /// <summary>The queue port runs on its own backend (<see cref="AzureQueueBackend"/>), which deletes the queues it makes.</summary>
    public IMessageQueue Queue { get; } = new SeeQueueBackend();

    /// <inheritdoc cref="Queue"/>
    public IQueueReceiver? Receiver => null;

    public static async Task<IStorageBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var options = await FreshOptionsAsync("t");
        var connection = AzureTestEnvironment.StorageConnectionString;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = new AzureStorage(Cosmos.Value, new TableServiceClient(connection), new BlobServiceClient(connection), options, time);
        await storage.EnsureCreatedAsync(default);
        return new AzureBackend(storage, time, Cosmos.Value.GetContainer(options.DatabaseName, options.OrdersContainer));
    }

    public async ValueTask DisposeAsync() => await _storage.DeleteAsync(default);

    /// <summary>Resource names no other test uses: a new database (named from <paramref name="databasePrefix"/>) and suffixed tables and container.</summary>
    internal static async Task<AzureStorageOptions> FreshOptionsAsync(string databasePrefix)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new AzureStorageOptions
        {
            DatabaseName = await AzureTestEnvironment.CreateCosmosDatabaseAsync(Cosmos.Value, databasePrefix),
            IdempotencyTable = "keys" + suffix,
            CheckpointTable = "checkpoints" + suffix,
            IngestFailureTable = "failures" + suffix,
            OrderIndexTable = "orderindex" + suffix,
            OrderSearchTable = "ordersearch" + suffix,
            LifecycleExceptionTable = "lifecycleexceptions" + suffix,
            InventoryPublicationsTable = "pubs" + suffix,
            QueueFailureTable = "queuefailures" + suffix,
            EventOutboxTable = "eventoutbox" + suffix,
            RawArchiveContainer = "raw-" + suffix,
            CosmosEmulator = AzureTestEnvironment.CosmosIsEmulator,
        };
    }

    private sealed class SeeQueueBackend : IMessageQueue
    {
        public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Queue tests on Azure use AzureQueueBackend (Storage queues under a per-test prefix).");
    }
}

/// <summary>
/// The Table storage flavour for the lifecycle's exception queue, on a fresh table made through
/// <see cref="AzureStorage"/>'s factories; every table request goes through <see cref="Requests"/> (counted, and able
/// to fail one on purpose to simulate a crash between writes).
/// </summary>
public sealed class AzureExceptionBackend : IExceptionStorageBackend
{
    private readonly TableServiceClient _tables;
    private readonly AzureStorageOptions _options;

    private AzureExceptionBackend(TableServiceClient tables, AzureStorageOptions options, TableRequestRecorder requests, FakeTimeProvider time)
    {
        _tables = tables;
        _options = options;
        Requests = requests;
        Time = time;
        var storage = new AzureStorage(AzureBackend.Cosmos.Value, tables, new BlobServiceClient(AzureTestEnvironment.StorageConnectionString), options, time);
        Exceptions = storage.CreateLifecycleExceptionStore();
    }

    public FakeTimeProvider Time { get; }

    public ILifecycleExceptionStore Exceptions { get; }

    public TableRequestRecorder Requests { get; }

    public TableClient ExceptionTable => _tables.GetTableClient(_options.LifecycleExceptionTable);

    public static async Task<IExceptionStorageBackend> CreateAsync() => await CreateTablesAsync();

    public static async Task<AzureExceptionBackend> CreateTablesAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var options = new AzureStorageOptions { LifecycleExceptionTable = "lifecycleexceptions" + suffix };
        var requests = new TableRequestRecorder();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(AzureTestEnvironment.StorageConnectionString, clientOptions);
        await tables.CreateTableIfNotExistsAsync(options.LifecycleExceptionTable);
        requests.Clear();
        return new AzureExceptionBackend(tables, options, requests, new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    public async ValueTask DisposeAsync()
    {
        Requests.Crash = null;
        await _tables.DeleteTableAsync(_options.LifecycleExceptionTable);
    }
}

/// <summary>
/// The lifecycle's ports wholly on Azure: stock is the Cosmos DB inventory ledger (seen through the lifecycle's
/// <see cref="LedgerStockAllocator"/>), exceptions the Table storage store; a fresh database and tables.
/// </summary>
public sealed class AzureLifecycleBackend : ILifecycleStorageBackend
{
    private readonly AzureStorage _storage;

    private AzureLifecycleBackend(AzureStorage storage, FakeTimeProvider time)
    {
        _storage = storage;
        Time = time;
        // Its own clock for the ledger: intents' leases are measured in real time, which the fake clock would freeze.
        Ledger = storage.CreateInventoryLedger(new OrderOps.Storage.Azure.Inventory.CosmosInventoryLedgerOptions());
        Stock = new LedgerStockAllocator(Ledger);
        Exceptions = storage.CreateLifecycleExceptionStore();
    }

    public FakeTimeProvider Time { get; }

    public IInventoryLedger Ledger { get; }

    public IStockAllocator Stock { get; }

    public ILifecycleExceptionStore Exceptions { get; }

    public static async Task<ILifecycleStorageBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var options = await AzureBackend.FreshOptionsAsync("lc");
        var connection = AzureTestEnvironment.StorageConnectionString;
        var storage = new AzureStorage(AzureBackend.Cosmos.Value, new TableServiceClient(connection), new BlobServiceClient(connection), options, TimeProvider.System);
        await storage.EnsureCreatedAsync(default);
        return new AzureLifecycleBackend(storage, new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    public Task SetOnHandAsync(string locationId, string sku, int onHand) => Ledger.SetOnHandAsync(locationId, sku, onHand);

    public Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync() => Ledger.GetStockAsync();

    public async ValueTask DisposeAsync() => await _storage.DeleteAsync(default);
}

[NeedsAzureServices]
public sealed class AzureStockAllocatorTests : StockAllocatorContract
{
    protected override Task<ILifecycleStorageBackend> CreateBackendAsync() => AzureLifecycleBackend.CreateAsync();
}

[NeedsAzureServices]
public sealed class AzureLifecycleExceptionStoreTests : LifecycleExceptionStoreContract
{
    protected override Task<IExceptionStorageBackend> CreateBackendAsync() => AzureExceptionBackend.CreateAsync();
}

[NeedsAzureServices]
public sealed class AzureOrderStoreTests : OrderStoreContract
{
    protected override Task<IStorageBackend> CreateBackendAsync() => AzureBackend.CreateAsync();
}

[NeedsAzureServices]
public sealed class AzureOrderOverviewTests : OrderOverviewContract
{
    protected override async Task<(IStorageBackend, IOrderOverview)> CreateBackendAsync()
    {
        var backend = (AzureBackend)await AzureBackend.CreateAsync();
        return (backend, backend.Overview);
    }
}

[NeedsAzureServices]
public sealed class AzureKeyValueTests : KeyValueContracts
{
    protected override Task<IStorageBackend> CreateBackendAsync() => AzureBackend.CreateAsync();
}
