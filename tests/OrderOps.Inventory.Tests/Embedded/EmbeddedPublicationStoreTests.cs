using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Inventory.Tests.Embedded;

public sealed class EmbeddedPublicationStoreTests : InventoryPublicationStoreContractTests, IDisposable
{
    private readonly TempDatabase _database = new();

    public EmbeddedPublicationStoreTests() => Store = new SqliteInventoryPublicationStore(_database.Database);

    protected override IInventoryPublicationStore Store { get; }

    public void Dispose() => _database.Dispose();
}
