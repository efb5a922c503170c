using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Events;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Azure.Events;
using OrderOps.Storage.Tests.Azure;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Events;

[NeedsAzureServices]
public sealed class AzureEventOutboxTests : EventOutboxContract
{
    protected override async Task<IEventOutboxBackend> CreateBackendAsync() => await AzureEventBackend.CreateAsync();
}

/// <summary>
/// What the Azure outbox's write-ahead design promises beyond the contract. A crash is simulated by writing the rows a
/// crashed save would have left: rows written ahead of a commit that never came, or a commit whose confirmation never came.
/// </summary>
[NeedsAzureServices]
public sealed class AzureEventOutboxCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private AzureEventBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await AzureEventBackend.CreateAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [ContractFact]
    public async Task Rows_written_ahead_of_a_commit_that_never_came_are_never_delivered_and_are_dropped_after_the_recovery_time()
    {
        var order = new OrderRecord { Order = EventOutboxContract.Order("1"), Status = "received" };
        var ghost = new OrderEvent { Type = OrderEventTypes.Received, At = _backend.Time.GetUtcNow(), Actor = "channel:shopify", Sequence = 1 };
        await _backend.Outbox.WriteAheadAsync(EventOutboxContract.Subscriptions, TableEventOutbox.OrderSource, OutboundEventMapper.FromOrderEvents(order.OrderId, [ghost]), default);

        Assert.Empty(await _backend.Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));

        _backend.Time.Advance(TableEventOutbox.RecoverAfter + TimeSpan.FromSeconds(1));
        Assert.Empty(await _backend.Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));
        Assert.Empty(await _backend.OutboxRowsAsync());
    }

    [ContractFact]
    public async Task A_commit_whose_confirmation_was_lost_is_delivered_once_its_history_shows_it()
    {
        // The order commits through a store that writes no events (as if it crashed right after the commit)...
        var plain = _backend.Storage(EventSubscriptions.None).CreateOrderStore();
        var saved = await plain.SaveAsync(new OrderRecord { Order = EventOutboxContract.Order("1"), Status = "received" }, null,
            [new OrderEvent { Type = OrderEventTypes.Received, At = _backend.Time.GetUtcNow(), Actor = "channel:shopify" }], default);
        var committed = OutboundEventMapper.FromOrderEvents(saved.OrderId, await plain.GetEventsAsync(saved.OrderId, default));
        // ...after its rows were written ahead, unconfirmed.
        await _backend.Outbox.WriteAheadAsync(EventOutboxContract.Subscriptions, TableEventOutbox.OrderSource, committed, default);

        var taken = Assert.Single(await _backend.Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));
        Assert.Equal(committed[0].Id, taken.Event.Id);
    }

    [ContractFact]
    public async Task Rows_of_a_save_that_lost_the_race_are_dropped_and_the_winners_delivered()
    {
        var store = _backend.Orders;
        var saved = await store.SaveAsync(new OrderRecord { Order = EventOutboxContract.Order("1"), Status = "received" }, null,
            [new OrderEvent { Type = OrderEventTypes.Received, At = _backend.Time.GetUtcNow(), Actor = "channel:shopify" }], default);
        // The loser wrote its rows for sequence 1 too (different content), then lost the If-Match.
        var loser = new OrderEvent { Type = OrderEventTypes.Received, At = _backend.Time.GetUtcNow().AddSeconds(1), Actor = "channel:other", Sequence = 1 };
        await _backend.Outbox.WriteAheadAsync(EventOutboxContract.Subscriptions, TableEventOutbox.OrderSource, OutboundEventMapper.FromOrderEvents(saved.OrderId, [loser]), default);

        // Whichever row comes first, the loser's is dropped when it reaches the head and only the winner's is delivered.
        var delivered = new List<EventDelivery>();
        for (var round = 0; round < 3; round++)
        {
            var taken = await _backend.Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default);
            delivered.AddRange(taken);
            await _backend.Outbox.CompleteAsync(taken.Select(d => new DeliveryCompletion(d, DeliveryCompletionKind.Delivered)).ToList(), default);
        }

        var only = Assert.Single(delivered);
        Assert.Equal("channel:shopify", System.Text.Json.Nodes.JsonNode.Parse(only.Event.Data)!["actor"]!.GetValue<string>());
        Assert.Empty(await _backend.OutboxRowsAsync());
    }
}

/// <summary>The Azure stores with events for <see cref="EventOutboxContract.Subscriptions"/>, on fresh resources.</summary>
public sealed class AzureEventBackend : IEventOutboxBackend
{
    private readonly AzureStorageOptions _options;
    private readonly AzureStorage _storage;

    private AzureEventBackend(AzureStorageOptions options, FakeTimeProvider time)
    {
        _options = options;
        Time = time;
        _storage = Storage(EventOutboxContract.Subscriptions);
        Orders = _storage.CreateOrderStore();
        Publications = _storage.CreateInventoryPublicationStore();
        Outbox = _storage.CreateEventOutbox();
    }

    public FakeTimeProvider Time { get; }

    public IOrderStore Orders { get; }

    public IInventoryPublicationStore Publications { get; }

    public TableEventOutbox Outbox { get; }

    IEventOutbox IEventOutboxBackend.Outbox => Outbox;

    public AzureStorage Storage(EventSubscriptions subscriptions)
    {
        var connection = AzureTestEnvironment.StorageConnectionString;
        return new AzureStorage(AzureBackend.Cosmos.Value, new TableServiceClient(connection), new BlobServiceClient(connection), _options, Time, subscriptions);
    }

    public async Task<IReadOnlyList<TableEntity>> OutboxRowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableServiceClient(AzureTestEnvironment.StorageConnectionString).GetTableClient(_options.EventOutboxTable)
            .QueryAsync<TableEntity>(e => e.PartitionKey != "!subscribers"))
        {
            rows.Add(row);
        }

        return rows;
    }

    public static async Task<AzureEventBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var options = await AzureBackend.FreshOptionsAsync("ev");
        var backend = new AzureEventBackend(options, new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
        await backend._storage.EnsureCreatedAsync(default);
        return backend;
    }

    public async ValueTask DisposeAsync() => await _storage.DeleteAsync(default);
}
