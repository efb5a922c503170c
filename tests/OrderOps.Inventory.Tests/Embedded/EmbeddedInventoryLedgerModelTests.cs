using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Inventory.Tests.Embedded;

public sealed class EmbeddedInventoryLedgerModelTests : InventoryLedgerModelTests, IDisposable
{
    private readonly List<TempDatabase> _databases = [];

    protected override Task<IInventoryLedger> CreateLedgerAsync()
    {
        var database = new TempDatabase();
        _databases.Add(database);
        return Task.FromResult<IInventoryLedger>(new SqliteInventoryLedger(database.Database, TimeProvider.System));
    }

    public void Dispose() => _databases.ForEach(d => d.Dispose());
}
