using System.Text;
using System.Text.Json;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Core.Tests.Orders;

namespace OrderOps.Core.Tests.Ingest;

public sealed class OrderIngestorTests : IAsyncLifetime
{
    private readonly EmbeddedBackend _ports = new();
    private readonly OrderIngestor _ingestor;
    private int _deliveries;

    public OrderIngestorTests()
    {
        _ingestor = new OrderIngestor(_ports.Archive, [new CanonicalJsonMapper()], _ports.Orders, _ports.Failures, _ports.Time, new IngestOptions());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _ports.DisposeAsync().AsTask();

    [Fact]
    public async Task A_new_order_is_stored_with_a_received_event()
    {
        var result = await DeliverAsync(SampleOrders.Valid());

        Assert.Equal(IngestResult.Created, result);
        var stored = await _ports.Orders.GetAsync(SampleOrders.Valid().OrderId, default);
        Assert.Equal(OrderStatuses.Received, stored!.Status);
        var history = await _ports.Orders.GetEventsAsync(stored.OrderId, default);
        var received = Assert.Single(history);
        Assert.Equal((OrderEventTypes.Received, "channel:shopify", 1L), (received.Type, received.Actor, received.Sequence));
    }

    [Fact]
    public async Task The_same_order_delivered_many_times_is_stored_once_with_one_event()
    {
        for (var i = 0; i < 5; i++)
        {
            await DeliverAsync(SampleOrders.Valid());
        }

        Assert.Single((await _ports.Orders.ListAsync(new OrderQuery(), default)).Orders);
        Assert.Single(await _ports.Orders.GetEventsAsync(SampleOrders.Valid().OrderId, default));
    }

    [Fact]
    public async Task A_newer_update_replaces_the_order_and_names_the_changed_fields()
    {
        await DeliverAsync(SampleOrders.Valid());
        var newer = SampleOrders.Valid(updatedAt: SampleOrders.Placed.AddMinutes(5)) with { Note = "leave at the door" };

        Assert.Equal(IngestResult.Updated, await DeliverAsync(newer));

        var stored = await _ports.Orders.GetAsync(newer.OrderId, default);
        Assert.Equal("leave at the door", stored!.Order.Note);
        var update = (await _ports.Orders.GetEventsAsync(newer.OrderId, default))[^1];
        Assert.Equal(OrderEventTypes.Updated, update.Type);
        Assert.Equal(["note"], JsonDocument.Parse(update.Data!).RootElement.GetProperty("changedFields").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_older_update_arriving_late_does_not_overwrite_a_newer_one()
    {
        var newer = SampleOrders.Valid(updatedAt: SampleOrders.Placed.AddHours(2)) with { Note = "newer" };
        var older = SampleOrders.Valid(updatedAt: SampleOrders.Placed.AddHours(1)) with { Note = "older" };
        await DeliverAsync(newer);

        Assert.Equal(IngestResult.Unchanged, await DeliverAsync(older));

        Assert.Equal("newer", (await _ports.Orders.GetAsync(newer.OrderId, default))!.Order.Note);
        Assert.Single(await _ports.Orders.GetEventsAsync(newer.OrderId, default));
    }

    [Fact]
    public async Task A_cancellation_from_the_channel_is_recorded_and_left_to_the_lifecycle()
    {
        await DeliverAsync(SampleOrders.Valid());
        var cancelledAt = SampleOrders.Placed.AddDays(1);
        await DeliverAsync(SampleOrders.Valid(updatedAt: cancelledAt) with { Cancellation = new Cancellation { CancelledAt = cancelledAt, Reason = "customer" } });

        // The status is the lifecycle's (signalled with the update, it cancels and compensates); ingest records the fact.
        var stored = await _ports.Orders.GetAsync(SampleOrders.Valid().OrderId, default);
        Assert.Equal(OrderStatuses.Received, stored!.Status);
        Assert.Equal("customer", stored.Order.Cancellation?.Reason);
        Assert.Equal(
            [OrderEventTypes.Received, OrderEventTypes.Updated, OrderEventTypes.CancelledByChannel],
            (await _ports.Orders.GetEventsAsync(stored.OrderId, default)).Select(e => e.Type));
    }

    [Fact]
    public async Task An_invalid_order_becomes_an_ingest_failure_with_field_errors()
    {
        var result = await DeliverAsync(SampleOrders.Valid() with { Currency = "ZZZ" });

        Assert.Equal(IngestResult.Failed, result);
        var failure = Assert.Single(await _ports.Failures.ListAsync(null, 10, default));
        Assert.Contains(failure.Errors, e => e.StartsWith("currency:", StringComparison.Ordinal));
        Assert.Empty((await _ports.Orders.ListAsync(new OrderQuery(), default)).Orders);
    }

    [Fact]
    public async Task An_unmappable_payload_becomes_an_ingest_failure()
    {
        var id = await ArchiveAsync(Encoding.UTF8.GetBytes("{ not json"));

        var results = await _ingestor.IngestAsync(new IngestMessage(id, Channels.Shopify, "orders/create"), default);

        Assert.Equal(IngestResult.Failed, Assert.Single(results).Result);
        Assert.Equal(id, Assert.Single(await _ports.Failures.ListAsync(Channels.Shopify, 10, default)).ArchiveId);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_versions_of_one_order_end_with_the_newest()
    {
        var versions = Enumerable.Range(0, 20).Select(i => SampleOrders.Valid(updatedAt: SampleOrders.Placed.AddMinutes(i)) with { Note = $"v{i}" }).ToList();
        var ids = new List<string>();
        foreach (var version in versions)
        {
            ids.Add(await ArchiveAsync(JsonSerializer.SerializeToUtf8Bytes(version, OrderOpsJson.Options)));
        }

        await Task.WhenAll(ids.Select(id => Task.Run(() => _ingestor.IngestAsync(new IngestMessage(id, Channels.Shopify, "orders/updated"), default))));

        var stored = await _ports.Orders.GetAsync(versions[0].OrderId, default);
        Assert.Equal("v19", stored!.Order.Note);
        var events = await _ports.Orders.GetEventsAsync(stored.OrderId, default);
        Assert.Equal(OrderEventTypes.Received, events[0].Type);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Payloads_larger_than_the_mapping_budget_are_ingested_one_at_a_time_not_refused()
    {
        using var small = new OrderIngestor(_ports.Archive, [new CanonicalJsonMapper()], _ports.Orders, _ports.Failures, _ports.Time, new IngestOptions { MappingBudgetBytes = 1024 });
        var orders = Enumerable.Range(1, 4).Select(i => SampleOrders.Valid() with
        {
            OrderId = OrderId.Compose(Channels.Shopify, SampleOrders.Valid().ChannelAccount, "budget-" + i),
            ChannelOrderId = "budget-" + i,
            Note = new string('n', 4096),
        }).ToList();
        var ids = new List<string>();
        foreach (var order in orders)
        {
            ids.Add(await ArchiveAsync(JsonSerializer.SerializeToUtf8Bytes(order, OrderOpsJson.Options)));
        }

        var results = await Task.WhenAll(ids.Select(id => small.IngestAsync(new IngestMessage(id, Channels.Shopify, "orders/create"), default)));

        Assert.All(results, r => Assert.Equal(IngestResult.Created, Assert.Single(r).Result));
        Assert.Equal(4, (await _ports.Orders.ListAsync(new OrderQuery(), default)).Orders.Count);
    }

    private async Task<IngestResult> DeliverAsync(CanonicalOrder order)
    {
        var id = await ArchiveAsync(JsonSerializer.SerializeToUtf8Bytes(order, OrderOpsJson.Options));
        return Assert.Single(await _ingestor.IngestAsync(new IngestMessage(id, Channels.Shopify, "orders/updated"), default)).Result;
    }

    private async Task<string> ArchiveAsync(byte[] body)
    {
        var id = $"test:{Interlocked.Increment(ref _deliveries)}";
        await _ports.Archive.ArchiveAsync(new RawPayload { Id = id, Channel = Channels.Shopify, Kind = "orders/updated", ReceivedAt = _ports.Time.GetUtcNow(), Body = body }, default);
        return id;
    }
}
