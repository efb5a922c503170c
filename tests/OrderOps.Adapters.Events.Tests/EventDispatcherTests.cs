using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Events;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Events;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Adapters.Events.Tests;

/// <summary>The dispatcher over the embedded outbox, fed by real order saves, with sinks that fail on demand.</summary>
public sealed class EventDispatcherTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-dispatcher-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteOrderStore _orders;
    private readonly SqliteEventOutbox _outbox;
    private readonly EventDeliveryOptions _options = new() { MaxAttempts = 1000, FirstBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromMinutes(5) };

    public EventDispatcherTests()
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        _orders = new SqliteOrderStore(_database, _time, new EventSubscriptions([new("erp", null), new("bi", null)]));
        _outbox = new SqliteEventOutbox(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_subscriber_down_for_an_hour_receives_everything_afterwards_in_order_once_and_the_other_is_not_held_up()
    {
        var erp = new RecordingSink("erp") { Down = true };
        var bi = new RecordingSink("bi");
        using var dispatcher = Dispatcher(erp, bi);
        for (var order = 1; order <= 5; order++)
        {
            await PlaceAndMoveAsync($"o-{order}", "validated", "allocated", "released");
            await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);
        }

        // An hour of failures, the dispatcher running as the sweep would.
        for (var minute = 0; minute < 60; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);
        }

        Assert.Empty(erp.Delivered);
        Assert.Equal(20, bi.Delivered.Count);

        erp.Down = false;
        _time.Advance(_options.MaxBackoff);
        await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);

        Assert.Equal(20, erp.Delivered.Count);
        Assert.Equal(20, erp.Delivered.Select(e => e.Id).Distinct().Count());
        foreach (var subject in erp.Delivered.GroupBy(e => e.Subject))
        {
            Assert.Equal(["orderops.order.received", "orderops.order.validated", "orderops.order.allocated", "orderops.order.released"], subject.Select(e => e.Type));
        }

        Assert.Empty(await _outbox.ListAsync("erp", parkedOnly: false, 100, default));
    }

    [Fact]
    public async Task A_failure_holds_back_only_the_later_events_of_its_own_subject()
    {
        var erp = new RecordingSink("erp") { FailSubject = "o-1" };
        using var dispatcher = Dispatcher(erp, new RecordingSink("bi"));
        await PlaceAndMoveAsync("o-1", "validated");
        await PlaceAndMoveAsync("o-2", "validated");

        await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);

        Assert.Equal(["o-2", "o-2"], erp.Delivered.Select(e => e.Subject));
        var waiting = await _outbox.ListAsync("erp", parkedOnly: false, 10, default);
        Assert.Equal([("orderops.order.received", 1), ("orderops.order.validated", 0)], waiting.Select(d => (d.Event.Type, d.Attempts)));
    }

    [Fact]
    public async Task After_the_last_attempt_a_delivery_is_parked_until_replayed()
    {
        var erp = new RecordingSink("erp") { Down = true };
        _options.MaxAttempts = 3;
        using var dispatcher = Dispatcher(erp);
        await PlaceAndMoveAsync("o-1", "validated");

        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);
            _time.Advance(_options.MaxBackoff);
        }

        var parked = Assert.Single(await _outbox.ListAsync("erp", parkedOnly: true, 10, default));
        Assert.Equal((3, "down"), (parked.Attempts, parked.LastError));
        Assert.Equal(3, erp.Attempts);

        erp.Down = false;
        await _outbox.ReplayAsync("erp", _time.GetUtcNow(), default);
        await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);
        Assert.Equal(["orderops.order.received", "orderops.order.validated"], erp.Delivered.Select(e => e.Type));
    }

    [Fact]
    public async Task A_gone_subscriber_is_disabled_and_the_others_go_on()
    {
        var erp = new RecordingSink("erp") { Gone = true };
        var bi = new RecordingSink("bi");
        using var dispatcher = Dispatcher(erp, bi);
        await PlaceAndMoveAsync("o-1", "validated");

        await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);
        _time.Advance(TimeSpan.FromHours(1));
        await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), default);

        Assert.Equal(1, erp.Attempts);
        Assert.Equal(2, bi.Delivered.Count);
        var status = await _outbox.GetSubscriberAsync("erp", default);
        Assert.True(status!.Disabled);
        Assert.Equal(2, (await _outbox.ListAsync("erp", parkedOnly: false, 10, default)).Count);
    }

    private EventDispatcher Dispatcher(params IEventSink[] sinks) => new(_outbox, sinks, _options, _time, NullLogger<EventDispatcher>.Instance);

    private async Task PlaceAndMoveAsync(string orderId, params string[] states)
    {
        var order = new CanonicalOrder
        {
            OrderId = orderId,
            Channel = "shopify",
            ChannelAccount = "shop",
            ChannelOrderId = orderId,
            PlacedAt = _time.GetUtcNow(),
            UpdatedAt = _time.GetUtcNow(),
            Currency = "EUR",
            LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 1, UnitPrice = new Money(1m, "EUR") }],
        };
        var record = await _orders.SaveAsync(new OrderRecord { Order = order, Status = "received" }, null,
            [new OrderEvent { Type = OrderEventTypes.Received, At = _time.GetUtcNow(), Actor = "channel:shopify" }], default);
        var from = "received";
        foreach (var to in states)
        {
            record = await _orders.SaveAsync(record with { Status = to }, record.ETag,
                [new OrderEvent { Type = LifecycleEventTypes.Transition, At = _time.GetUtcNow(), Actor = "system:lifecycle", Data = new JsonObject { ["from"] = from, ["to"] = to, ["trigger"] = "t" }.ToJsonString() }], default);
            from = to;
        }
    }

    private sealed class RecordingSink(string name) : IEventSink
    {
        private int _attempts;

        public string Name { get; } = name;

        public bool Down { get; set; }

        public bool Gone { get; set; }

        public string? FailSubject { get; set; }

        public int Attempts => _attempts;

        public ConcurrentQueue<OutboundEvent> Delivered { get; } = new();

        public Task<SinkResult> DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (Gone)
            {
                return Task.FromResult(new SinkResult(SinkOutcome.Gone, "HTTP 410 Gone"));
            }

            if (Down || delivery.Event.Subject == FailSubject)
            {
                return Task.FromResult(new SinkResult(SinkOutcome.Failed, "down"));
            }

            Delivered.Enqueue(delivery.Event);
            return Task.FromResult(SinkResult.Delivered);
        }
    }
}
