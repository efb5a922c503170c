using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Inventory.Tests.Embedded;

public sealed class EmbeddedInventoryLedgerTests : InventoryLedgerContractTests, IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly SqliteMessageQueue _queue;

    public EmbeddedInventoryLedgerTests()
    {
        Ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System);
        _queue = new SqliteMessageQueue(_database.Database, TimeProvider.System, new QueueRetryPolicy(), new QueueSignal());
    }

    protected override IInventoryLedger Ledger { get; }

    /// <summary>Reads the queue table the ledger wrote in its own transactions, through the embedded queue itself.</summary>
    protected override async Task<IReadOnlyList<InventoryChangedMessage>> TakeAnnouncedChangesAsync()
    {
        var received = await _queue.ReceiveAsync(QueueNames.InventoryChanges, 1_000, TimeSpan.FromMinutes(1), default);
        foreach (var message in received)
        {
            Assert.True(await _queue.CompleteAsync(message, default));
        }

        return received.Select(m => InventoryChangedMessage.Parse(m.Body)).ToList();
    }

    public void Dispose() => _database.Dispose();
}
