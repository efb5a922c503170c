using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Testing.Azure;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>The ledger contract on Cosmos DB (cosmosdb-server here), a fresh database per test.</summary>
[NeedsAzureServices]
public sealed class AzureInventoryLedgerTests : InventoryLedgerContractTests, IAsyncLifetime
{
    private AzureInventoryBackend _backend = null!;
    private IInventoryLedger _ledger = null!;

    protected override IInventoryLedger Ledger => _ledger;

    public async Task InitializeAsync()
    {
        _backend = await AzureInventoryBackend.CreateAsync();
        _ledger = _backend.CreateLedger();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();
}

[NeedsAzureServices]
public sealed class AzureInventoryLedgerModelTests : InventoryLedgerModelTests, IAsyncLifetime
{
    private readonly List<AzureInventoryBackend> _backends = [];

    protected override async Task<IInventoryLedger> CreateLedgerAsync()
    {
        var backend = await AzureInventoryBackend.CreateAsync();
        _backends.Add(backend);
        return backend.CreateLedger();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}

/// <summary>The publication-store contract on Table storage (Azurite here), a fresh table per test.</summary>
[NeedsAzureServices]
public sealed class AzurePublicationStoreTests : InventoryPublicationStoreContractTests, IAsyncLifetime
{
    private AzureInventoryBackend _backend = null!;

    protected override IInventoryPublicationStore Store => _backend.CreatePublicationStore();

    public async Task InitializeAsync() => _backend = await AzureInventoryBackend.CreateAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();
}
