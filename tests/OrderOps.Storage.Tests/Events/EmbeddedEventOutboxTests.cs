using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Events;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Messaging;
using OrderOps.Storage.Embedded.Orders;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Events;

public sealed class EmbeddedEventOutboxTests : EventOutboxContract
{
    protected override Task<IEventOutboxBackend> CreateBackendAsync() => Task.FromResult<IEventOutboxBackend>(new EmbeddedEventBackend());

    [Fact]
    public async Task The_commit_also_enqueues_the_dispatchers_wake_up()
    {
        await using var backend = new EmbeddedEventBackend();
        await backend.Orders.SaveAsync(
            new OrderRecord { Order = EventOutboxContract.Order("1"), Status = "received" },
            null,
            [new OrderEvent { Type = OrderOps.Core.Orders.OrderEventTypes.Received, At = backend.Time.GetUtcNow(), Actor = "channel:shopify" }],
            default);

        var wake = Assert.Single(await backend.Queue.ReceiveAsync(QueueNames.OutboundEvents, 10, TimeSpan.FromMinutes(1), default));
        Assert.Equal("{}", wake.Body);
    }

    private sealed class EmbeddedEventBackend : IEventOutboxBackend
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-storage-tests", Guid.NewGuid().ToString("N"));
        private readonly SqliteDatabase _database;

        public EmbeddedEventBackend()
        {
            _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
            var signal = new QueueSignal();
            Queue = new SqliteMessageQueue(_database, Time, new QueueRetryPolicy(), signal);
            Orders = new SqliteOrderStore(_database, Time, EventOutboxContract.Subscriptions, signal);
            Publications = new SqliteInventoryPublicationStore(_database, EventOutboxContract.Subscriptions, signal);
            Outbox = new SqliteEventOutbox(_database);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        public IOrderStore Orders { get; }

        public IInventoryPublicationStore Publications { get; }

        public IEventOutbox Outbox { get; }

        public SqliteMessageQueue Queue { get; }

        public ValueTask DisposeAsync()
        {
            _database.Dispose();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
