using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Archive;
using OrderOps.Storage.Embedded.Keys;
using OrderOps.Storage.Embedded.Messaging;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Core.Tests.Ingest;

/// <summary>The real embedded backend on a throw-away SQLite file, with a fake clock.</summary>
internal sealed class EmbeddedPorts : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-core-tests", Guid.NewGuid().ToString("N"));

    public EmbeddedPorts()
    {
        Database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        Orders = new SqliteOrderStore(Database, Time);
        Keys = new SqliteIdempotencyStore(Database, Time);
        Archive = new SqliteRawArchive(Database);
        Failures = new SqliteIngestFailureStore(Database);
        Queue = new SqliteMessageQueue(Database, Time, new QueueRetryPolicy(), new QueueSignal());
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public SqliteDatabase Database { get; }

    public IOrderStore Orders { get; }

    public IIdempotencyStore Keys { get; }

    public IRawArchive Archive { get; }

    public IIngestFailureStore Failures { get; }

    public SqliteMessageQueue Queue { get; }

    public void Dispose()
    {
        Database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
