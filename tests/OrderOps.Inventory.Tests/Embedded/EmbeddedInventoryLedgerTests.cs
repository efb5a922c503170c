using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Inventory.Tests.Embedded;

public sealed class EmbeddedInventoryLedgerTests : InventoryLedgerContractTests, IDisposable
{
    private readonly TempDatabase _database = new();

    public EmbeddedInventoryLedgerTests()
    {
        Ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System);
    }

    protected override IInventoryLedger Ledger { get; }

    public void Dispose() => _database.Dispose();
}
