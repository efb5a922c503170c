using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Core.Lifecycle;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Archive;
using OrderOps.Storage.Embedded.Keys;
using OrderOps.Storage.Embedded.Lifecycle;
using OrderOps.Storage.Embedded.Messaging;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Testing.Storage;

/// <summary>The embedded backend on a fresh SQLite file per test, with a fake clock: the port contract tests' fixture and any test that wants real storage.</summary>
public sealed class EmbeddedBackend : IStorageBackend, ILifecycleStorageBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-storage-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public EmbeddedBackend()
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        var queue = new SqliteMessageQueue(_database, Time, new QueueRetryPolicy(), new QueueSignal());
        Orders = new SqliteOrderStore(_database, Time);
        Overview = new SqliteOrderOverview(_database);
        Keys = new SqliteIdempotencyStore(_database, Time);
        Checkpoints = new SqliteCheckpointStore(_database, Time);
        Archive = new SqliteRawArchive(_database);
        Failures = new SqliteIngestFailureStore(_database);
        Queue = queue;
        Receiver = queue;
        Ledger = new SqliteInventoryLedger(_database, Time);
        Stock = new LedgerStockAllocator(Ledger);
        Exceptions = new SqliteLifecycleExceptionStore(_database);
    }

    public IInventoryLedger Ledger { get; }

    public IStockAllocator Stock { get; }

    public ILifecycleExceptionStore Exceptions { get; }

    public Task SetOnHandAsync(string locationId, string sku, int onHand) => Ledger.SetOnHandAsync(locationId, sku, onHand);

    public Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync() => Ledger.GetStockAsync();

    public static Task<ILifecycleStorageBackend> CreateLifecycleAsync() => Task.FromResult<ILifecycleStorageBackend>(new EmbeddedBackend());

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    public IOrderStore Orders { get; }

    public IOrderOverview Overview { get; }

    public IIdempotencyStore Keys { get; }

    public ICheckpointStore Checkpoints { get; }

    public IRawArchive Archive { get; }

    public IIngestFailureStore Failures { get; }

    public IMessageQueue Queue { get; }

    public IQueueReceiver? Receiver { get; }

    public static Task<IStorageBackend> CreateAsync() => Task.FromResult<IStorageBackend>(new EmbeddedBackend());

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
