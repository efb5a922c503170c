using Azure.Data.Tables;
using Microsoft.Azure.Cosmos;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Testing.Azure;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>
/// The inventory ledger's containers and the publication table, fresh per test (a database and a table with a unique
/// suffix) in the emulators or account named by <see cref="AzureTestEnvironment"/>; deleted afterwards. Only these are
/// created: the orders, keys and archive have their own tests in OrderOps.Storage.Tests.
/// </summary>
public sealed class AzureInventoryBackend : IAsyncDisposable
{
    private static readonly Lazy<CosmosClient> SharedCosmos = new(() => CreateClient());
    private readonly TableServiceClient _tables;

    private AzureInventoryBackend(AzureStorageOptions options, TableServiceClient tables)
    {
        Options = options;
        _tables = tables;
    }

    public AzureStorageOptions Options { get; }

    public CosmosClient Cosmos => SharedCosmos.Value;

    public static async Task<AzureInventoryBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var options = new AzureStorageOptions
        {
            DatabaseName = await AzureTestEnvironment.CreateCosmosDatabaseAsync(SharedCosmos.Value, "inv"),
            InventoryPublicationsTable = "pubs" + suffix,
            CosmosEmulator = AzureTestEnvironment.CosmosIsEmulator,
        };
        var database = SharedCosmos.Value.GetDatabase(options.DatabaseName);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.InventoryContainer, "/sku"));
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.InventoryMetaContainer, "/pk"));
        var tables = new TableServiceClient(AzureTestEnvironment.StorageConnectionString);
        await tables.CreateTableIfNotExistsAsync(options.InventoryPublicationsTable);
        return new AzureInventoryBackend(options, tables);
    }

    /// <summary>A Cosmos DB client of its own, e.g. with request handlers that simulate a crash.</summary>
    public static CosmosClient CreateClient(params RequestHandler[] handlers)
    {
        var options = AzureConnections.CosmosOptions(AzureTestEnvironment.CosmosIsEmulator);
        foreach (var handler in handlers)
        {
            options.CustomHandlers.Add(handler);
        }

        return new CosmosClient(AzureTestEnvironment.CosmosEndpoint, AzureTestEnvironment.CosmosKey, options);
    }

    /// <summary>
    /// The ledger's options on the emulator unless a test gives its own: a longer intent lease, because cosmosdb-server is
    /// one Node.js thread sharing two cores with the test run, and a thousand concurrent reservations can keep one intent
    /// waiting past the production 30 s. Lease expiry itself is tested with short leases and a fake clock
    /// (AzureInventoryLedgerCrashTests), so nothing here depends on the default. A new instance each time: each ledger
    /// instance needs its own <see cref="CosmosInventoryLedgerOptions.InstanceId"/>.
    /// </summary>
    public static CosmosInventoryLedgerOptions EmulatorOptions() => new() { IntentLease = TimeSpan.FromMinutes(3) };

    /// <summary>A ledger instance on this backend's containers (another instance of the same ledger when called again).</summary>
    public CosmosInventoryLedger CreateLedger(TimeProvider? time = null, CosmosInventoryLedgerOptions? options = null, CosmosClient? client = null, OrderOps.Core.Ports.IMessageQueue? changes = null)
    {
        client ??= Cosmos;
        return new CosmosInventoryLedger(
            client.GetContainer(Options.DatabaseName, Options.InventoryContainer),
            client.GetContainer(Options.DatabaseName, Options.InventoryMetaContainer),
            time ?? TimeProvider.System,
            options ?? EmulatorOptions(),
            AzureTestEnvironment.CosmosIsEmulator,
            changes: changes);
    }

    public TableInventoryPublicationStore CreatePublicationStore() => new(_tables.GetTableClient(Options.InventoryPublicationsTable));

    public Container InventoryContainer => Cosmos.GetContainer(Options.DatabaseName, Options.InventoryContainer);

    public async ValueTask DisposeAsync()
    {
        await Cosmos.GetDatabase(Options.DatabaseName).DeleteAsync();
        await _tables.DeleteTableAsync(Options.InventoryPublicationsTable);
    }
}
