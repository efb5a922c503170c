using System.Collections.Concurrent;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Contracts;
using OrderOps.Testing.Azure;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>The ledger contract on Cosmos DB (cosmosdb-server here), a fresh database per test.</summary>
[NeedsAzureServices]
public sealed class AzureInventoryLedgerTests : InventoryLedgerContractTests, IAsyncLifetime
{
    private readonly RecordingQueue _queue = new();
    private AzureInventoryBackend _backend = null!;
    private IInventoryLedger _ledger = null!;

    protected override IInventoryLedger Ledger => _ledger;

    public async Task InitializeAsync()
    {
        _backend = await AzureInventoryBackend.CreateAsync();
        _ledger = _backend.CreateLedger(changes: _queue);
    }

    protected override Task<IReadOnlyList<InventoryChangedMessage>> TakeAnnouncedChangesAsync() => Task.FromResult(_queue.Take());

    public async Task DisposeAsync() => await _backend.DisposeAsync();
}

/// <summary>
/// What the Cosmos DB ledger sends: it only ever calls <see cref="IMessageQueue.SendAsync"/>, so its announcements are
/// recorded here (the Storage-queue implementation has its own contract tests on Azurite in OrderOps.Storage.Tests).
/// </summary>
internal sealed class RecordingQueue : IMessageQueue
{
    private readonly ConcurrentQueue<(string Queue, QueueMessage Message)> _sent = new();

    public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
    {
        _sent.Enqueue((queueName, message));
        return Task.CompletedTask;
    }

    public IReadOnlyList<InventoryChangedMessage> Take()
    {
        var taken = new List<InventoryChangedMessage>();
        while (_sent.TryDequeue(out var sent))
        {
            Assert.Equal(QueueNames.InventoryChanges, sent.Queue);
            taken.Add(InventoryChangedMessage.Parse(sent.Message.Body));
        }

        return taken;
    }
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
