using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Events;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>What a backend's event outbox needs for the contract: its order and publication stores writing into it.</summary>
public interface IEventOutboxBackend : IAsyncDisposable
{
    FakeTimeProvider Time { get; }

    IOrderStore Orders { get; }

    IInventoryPublicationStore Publications { get; }

    IEventOutbox Outbox { get; }
}

/// <summary>
/// The event outbox port, written through the stores that own the commits: "erp" takes every type, "wms" only releases
/// and published quantities (<see cref="Subscriptions"/>).
/// </summary>
public abstract class EventOutboxContract : IAsyncLifetime
{
    public static readonly EventSubscriptions Subscriptions = new(
    [
        new("erp", null),
        new("wms", [OutboundEventTypes.OrderState(LifecycleStates.Released), OutboundEventTypes.InventoryPublished]),
    ]);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private IEventOutboxBackend _backend = null!;

    private IEventOutbox Outbox => _backend.Outbox;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IEventOutboxBackend> CreateBackendAsync();

    [ContractFact]
    public async Task An_order_save_writes_one_delivery_per_matching_subscriber_for_its_business_events_only()
    {
        await SaveOrderAsync("1", Received(), TimerScheduled(), Transition("received", "validated"));

        var erp = await Outbox.ListAsync("erp", parkedOnly: false, 100, default);
        Assert.Equal([OutboundEventTypes.OrderReceived, "orderops.order.validated"], erp.Select(d => d.Event.Type));
        Assert.All(erp, d => Assert.Equal(OrderIdOf("1"), d.Event.Subject));
        Assert.Empty(await Outbox.ListAsync("wms", parkedOnly: false, 100, default));

        var validated = JsonNode.Parse(erp[1].Event.Data)!;
        Assert.Equal(("received", "validated", 3L), (validated["from"]!.GetValue<string>(), validated["to"]!.GetValue<string>(), validated["sequence"]!.GetValue<long>()));
        Assert.Equal(OutboundEvent.IdFor($"order|{OrderIdOf("1")}|3"), erp[1].Event.Id);
    }

    [ContractFact]
    public async Task A_save_that_loses_the_etag_race_leaves_no_delivery()
    {
        var saved = await SaveOrderAsync("1", Received());
        await _backend.Orders.SaveAsync(saved with { Status = "validated" }, saved.ETag, [Transition("received", "validated")], default);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            _backend.Orders.SaveAsync(saved with { Status = "rejected" }, saved.ETag, [Transition("received", "rejected")], default));

        var erp = await TakeAllAsync("erp");
        Assert.Equal([OutboundEventTypes.OrderReceived, "orderops.order.validated"], erp.Select(d => d.Event.Type));
    }

    [ContractFact]
    public async Task Taking_offers_each_subject_from_its_oldest_delivery_in_order_and_leases_it()
    {
        var first = await SaveOrderAsync("1", Received(), Transition("received", "validated"));
        await _backend.Orders.SaveAsync(first with { Status = "allocated" }, first.ETag, [Transition("validated", "allocated")], default);
        await SaveOrderAsync("2", Received());

        var taken = await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default);

        Assert.Equal(
            [(OrderIdOf("1"), OutboundEventTypes.OrderReceived), (OrderIdOf("1"), "orderops.order.validated"), (OrderIdOf("1"), "orderops.order.allocated"), (OrderIdOf("2"), OutboundEventTypes.OrderReceived)],
            taken.Select(d => (d.Event.Subject, d.Event.Type)).OrderBy(t => t.Item1, StringComparer.Ordinal));
        Assert.Empty(await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));

        _backend.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(4, (await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default)).Count);
    }

    [ContractFact]
    public async Task A_delivered_event_goes_and_a_failed_one_holds_its_subject_until_its_retry_time()
    {
        await SaveOrderAsync("1", Received(), Transition("received", "validated"));
        var taken = await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default);

        var retryAt = _backend.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
        await Outbox.CompleteAsync(
        [
            new DeliveryCompletion(taken[0], DeliveryCompletionKind.Delivered),
            new DeliveryCompletion(taken[1], DeliveryCompletionKind.Failed) { RetryAt = retryAt, Error = "HTTP 503" },
        ], default);

        var left = Assert.Single(await Outbox.ListAsync("erp", parkedOnly: false, 100, default));
        Assert.Equal(("orderops.order.validated", 1, "HTTP 503", false), (left.Event.Type, left.Attempts, left.LastError, left.Parked));
        Assert.Empty(await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));

        _backend.Time.Advance(TimeSpan.FromSeconds(31));
        var again = Assert.Single(await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));
        Assert.Equal(taken[1].Event.Id, again.Event.Id);
    }

    [ContractFact]
    public async Task A_parked_event_holds_the_events_behind_it_until_replayed()
    {
        var saved = await SaveOrderAsync("1", Received());
        var head = Assert.Single(await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));
        await Outbox.CompleteAsync([new DeliveryCompletion(head, DeliveryCompletionKind.Failed) { RetryAt = _backend.Time.GetUtcNow(), Park = true, Error = "HTTP 500" }], default);
        await _backend.Orders.SaveAsync(saved with { Status = "validated" }, saved.ETag, [Transition("received", "validated")], default);

        _backend.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default));
        var parked = Assert.Single(await Outbox.ListAsync("erp", parkedOnly: true, 100, default));
        Assert.Equal(head.Event.Id, parked.Event.Id);

        Assert.Equal(1, await Outbox.ReplayAsync("erp", _backend.Time.GetUtcNow(), default));

        var replayed = await Outbox.TakeDueAsync("erp", _backend.Time.GetUtcNow(), Lease, 10, 10, default);
        Assert.Equal([OutboundEventTypes.OrderReceived, "orderops.order.validated"], replayed.Select(d => d.Event.Type));
        Assert.Equal(0, replayed[0].Attempts);
    }

    [ContractFact]
    public async Task Subscribers_are_disabled_and_enabled_with_a_reason()
    {
        Assert.Null(await Outbox.GetSubscriberAsync("erp", default));

        await Outbox.SetSubscriberAsync(new SubscriberStatus("erp", true, "HTTP 410 Gone", _backend.Time.GetUtcNow()), default);
        Assert.Equal((true, "HTTP 410 Gone"), ((await Outbox.GetSubscriberAsync("erp", default))!.Disabled, (await Outbox.GetSubscriberAsync("erp", default))!.Reason));

        await Outbox.SetSubscriberAsync(new SubscriberStatus("erp", false, null, _backend.Time.GetUtcNow()), default);
        Assert.False((await Outbox.GetSubscriberAsync("erp", default))!.Disabled);
    }

    [ContractFact]
    public async Task A_publication_that_changes_the_quantity_writes_an_event_with_the_previous_quantity()
    {
        var publications = _backend.Publications;
        var at = _backend.Time.GetUtcNow();
        await publications.ScheduleAsync([new ScheduledPush("shopify", "SKU-1", 5, at, at)], default);
        var push = Assert.Single(await publications.TakeDueAsync("shopify", at, Lease, 10, default));
        await publications.CompleteAsync([new PushCompletion("shopify", "SKU-1", push.Version, 5, PushCompletionKind.Published, at)], default);

        _backend.Time.Advance(TimeSpan.FromSeconds(5));
        at = _backend.Time.GetUtcNow();
        await publications.ScheduleAsync([new ScheduledPush("shopify", "SKU-1", 3, at, at)], default);
        push = Assert.Single(await publications.TakeDueAsync("shopify", at, Lease, 10, default));
        await publications.CompleteAsync([new PushCompletion("shopify", "SKU-1", push.Version, 3, PushCompletionKind.Published, at)], default);

        // Publishing the same quantity again is no change: no event.
        _backend.Time.Advance(TimeSpan.FromSeconds(5));
        at = _backend.Time.GetUtcNow();
        await publications.ScheduleAsync([new ScheduledPush("shopify", "SKU-1", 3, at, at)], default);
        push = Assert.Single(await publications.TakeDueAsync("shopify", at, Lease, 10, default));
        await publications.CompleteAsync([new PushCompletion("shopify", "SKU-1", push.Version, 3, PushCompletionKind.Published, at)], default);

        var wms = await TakeAllAsync("wms");
        Assert.Equal([(null, 5), (5, 3)], wms.Select(d => Quantities(d.Event)));
        Assert.All(wms, d => Assert.Equal(("SKU-1", OutboundEventTypes.InventoryPublished), (d.Event.Subject, d.Event.Type)));
    }

    private static (int?, int) Quantities(OutboundEvent e)
    {
        var data = JsonNode.Parse(e.Data)!;
        return (data["previousQuantity"]?.GetValue<int>(), data["quantity"]!.GetValue<int>());
    }

    private async Task<IReadOnlyList<EventDelivery>> TakeAllAsync(string subscriber)
    {
        var all = await Outbox.TakeDueAsync(subscriber, _backend.Time.GetUtcNow(), Lease, 100, 100, default);
        return all.OrderBy(d => d.Event.Subject, StringComparer.Ordinal).ThenBy(d => d.Event.Position, StringComparer.Ordinal).ToList();
    }

    private Task<OrderRecord> SaveOrderAsync(string id, params OrderEvent[] events) =>
        _backend.Orders.SaveAsync(new OrderRecord { Order = Order(id), Status = "received" }, null, events, default);

    private OrderEvent Received() => new() { Type = OrderEventTypes.Received, At = _backend.Time.GetUtcNow(), Actor = "channel:shopify" };

    private OrderEvent TimerScheduled() => new() { Type = LifecycleEventTypes.TimerScheduled, At = _backend.Time.GetUtcNow(), Actor = "system:lifecycle", Data = "{\"kind\":\"ship-by\"}" };

    private OrderEvent Transition(string from, string to) => new()
    {
        Type = LifecycleEventTypes.Transition,
        At = _backend.Time.GetUtcNow(),
        Actor = "system:lifecycle",
        Cause = "test",
        Data = new JsonObject { ["from"] = from, ["to"] = to, ["trigger"] = "t" }.ToJsonString(),
    };

    private static string OrderIdOf(string id) => OrderId.Compose("shopify", "shop.myshopify.com", id);

    internal static CanonicalOrder Order(string id) => new()
    {
        OrderId = OrderIdOf(id),
        Channel = "shopify",
        ChannelAccount = "shop.myshopify.com",
        ChannelOrderId = id,
        PlacedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Currency = "EUR",
        LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 1, UnitPrice = new Money(0.10m, "EUR") }],
    };
}
