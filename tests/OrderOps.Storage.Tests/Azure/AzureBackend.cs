using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
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
    private static readonly Lazy<CosmosClient> Cosmos = new(() =>
        new CosmosClient(AzureTestEnvironment.CosmosEndpoint, AzureTestEnvironment.CosmosKey, AzureConnections.CosmosOptions(AzureTestEnvironment.CosmosIsEmulator)));

    private readonly AzureStorage _storage;

    private AzureBackend(AzureStorage storage, FakeTimeProvider time)
    {
        _storage = storage;
        Time = time;
        Orders = storage.CreateOrderStore();
        OrderIndex = storage.CreateOrderIndex();
        Keys = storage.CreateIdempotencyStore();
        Checkpoints = storage.CreateCheckpointStore();
        Archive = storage.CreateRawArchive();
        Failures = storage.CreateIngestFailureStore();
    }

    public FakeTimeProvider Time { get; }

    public IOrderStore Orders { get; }

    /// <summary>The order list index, for tests that simulate a crashed save.</summary>
    public OrderOps.Storage.Azure.Orders.OrderIndex OrderIndex { get; }

    public IIdempotencyStore Keys { get; }

    public ICheckpointStore Checkpoints { get; }

    public IRawArchive Archive { get; }

    public IIngestFailureStore Failures { get; }

    /// <summary>Service Bus is not emulated; its sender has its own tests against a fake server (ServiceBusRestSenderTests).</summary>
    public IMessageQueue Queue { get; } = new NotEmulatedQueue();

    /// <summary>On Azure the Functions host receives from Service Bus; the app never does.</summary>
    public IQueueReceiver? Receiver => null;

    public static async Task<IStorageBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var options = new AzureStorageOptions
        {
            DatabaseName = "t" + suffix,
            IdempotencyTable = "keys" + suffix,
            CheckpointTable = "checkpoints" + suffix,
            IngestFailureTable = "failures" + suffix,
            OrderIndexTable = "orderindex" + suffix,
            RawArchiveContainer = "raw-" + suffix,
            CosmosEmulator = AzureTestEnvironment.CosmosIsEmulator,
        };
        var connection = AzureTestEnvironment.StorageConnectionString;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = new AzureStorage(Cosmos.Value, new TableServiceClient(connection), new BlobServiceClient(connection), options, time);
        await storage.EnsureCreatedAsync(default);
        return new AzureBackend(storage, time);
    }

    public async ValueTask DisposeAsync() => await _storage.DeleteAsync(default);

    private sealed class NotEmulatedQueue : IMessageQueue
    {
        public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Service Bus has no emulator here; see ServiceBusRestSenderTests.");
    }
}

[NeedsAzureServices]
public sealed class AzureOrderStoreTests : OrderStoreContract
{
    protected override Task<IStorageBackend> CreateBackendAsync() => AzureBackend.CreateAsync();
}

[NeedsAzureServices]
public sealed class AzureKeyValueTests : KeyValueContracts
{
    protected override Task<IStorageBackend> CreateBackendAsync() => AzureBackend.CreateAsync();
}
