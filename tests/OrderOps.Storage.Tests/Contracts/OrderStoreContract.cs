using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

public abstract class OrderStoreContract : IAsyncLifetime
{
    private IStorageBackend _backend = null!;

    private IOrderStore Store => _backend.Orders;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IStorageBackend> CreateBackendAsync();

    [ContractFact]
    public async Task Saving_a_new_order_returns_an_etag_and_reads_back_equal()
    {
        var saved = await Store.SaveAsync(Record("1"), null, [Event("order.received")], default);

        Assert.False(string.IsNullOrEmpty(saved.ETag));
        var read = await Store.GetAsync(saved.OrderId, default);
        Assert.NotNull(read);
        Assert.Equal(saved.ETag, read.ETag);
        Assert.Equal("received", read.Status);
        Assert.Equal(Order("1").Currency, read.Order.Currency);
        Assert.Equal(Order("1").LineItems[0].UnitPrice, read.Order.LineItems[0].UnitPrice);
        Assert.Equal(Order("1").PlacedAt, read.Order.PlacedAt);
    }

    [ContractFact]
    public async Task Creating_an_order_that_exists_is_a_conflict()
    {
        await Store.SaveAsync(Record("1"), null, [], default);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(Record("1"), null, [], default));
    }

    [ContractFact]
    public async Task Updating_with_a_stale_etag_is_a_conflict_and_changes_nothing()
    {
        var first = await Store.SaveAsync(Record("1"), null, [Event("a")], default);
        var second = await Store.SaveAsync(first with { Status = "validated" }, first.ETag, [Event("b")], default);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(first with { Status = "rejected" }, first.ETag, [Event("c")], default));

        var read = await Store.GetAsync("shopify:shop.myshopify.com:1", default);
        Assert.Equal(("validated", second.ETag), (read!.Status, read.ETag));
        Assert.Equal(["a", "b"], (await Store.GetEventsAsync(read.OrderId, default)).Select(e => e.Type));
    }

    [ContractFact]
    public async Task Events_are_numbered_in_order_and_keep_actor_cause_and_data()
    {
        var saved = await Store.SaveAsync(Record("1"), null, [Event("a"), Event("b")], default);
        await Store.SaveAsync(saved, saved.ETag, [Event("c") with { Data = "{\"x\":1}", Cause = "test" }], default);

        var events = await Store.GetEventsAsync(saved.OrderId, default);

        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
        Assert.Equal(("c", "system:test", "test", "{\"x\":1}"), (events[2].Type, events[2].Actor, events[2].Cause, events[2].Data));
    }

    [ContractFact]
    public async Task Of_two_concurrent_saves_from_the_same_read_one_wins_whole_and_the_other_conflicts()
    {
        var read = await Store.SaveAsync(Record("1"), null, [Event("a")], default);

        var attempts = await Task.WhenAll(
            TrySaveAsync(read with { Status = "validated" }, read.ETag, "by-first"),
            TrySaveAsync(read with { Status = "rejected" }, read.ETag, "by-second"));

        var winner = Assert.Single(attempts, a => a is not null);
        var stored = await Store.GetAsync(read.OrderId, default);
        Assert.Equal((winner!.Value.Status, winner.Value.ETag), (stored!.Status, stored.ETag));
        var events = await Store.GetEventsAsync(read.OrderId, default);
        Assert.Equal(["a", winner.Value.Event], events.Select(e => e.Type));
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));

        async Task<(string Status, string ETag, string Event)?> TrySaveAsync(OrderRecord record, string etag, string type)
        {
            try
            {
                var saved = await Store.SaveAsync(record, etag, [Event(type)], default);
                return (saved.Status, saved.ETag, type);
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        }
    }

    [ContractFact]
    public async Task Events_stay_complete_across_many_saves()
    {
        var saved = await Store.SaveAsync(Record("1"), null, [Event("e1")], default);
        for (var i = 2; i <= 6; i++)
        {
            saved = await Store.SaveAsync(saved, saved.ETag, i % 2 == 0 ? [Event($"e{i}")] : [], default);
        }

        Assert.Equal(["e1", "e2", "e4", "e6"], (await Store.GetEventsAsync(saved.OrderId, default)).Select(e => e.Type));
    }

    [ContractFact]
    public async Task Process_state_round_trips()
    {
        var saved = await Store.SaveAsync(Record("1") with { ProcessState = "{\"timers\":[]}" }, null, [], default);
        Assert.Equal("{\"timers\":[]}", (await Store.GetAsync(saved.OrderId, default))!.ProcessState);
    }

    [ContractFact]
    public async Task A_missing_order_reads_as_null_with_no_events()
    {
        Assert.Null(await Store.GetAsync("shopify:none:1", default));
        Assert.Empty(await Store.GetEventsAsync("shopify:none:1", default));
    }

    [ContractFact]
    public async Task Listing_pages_through_every_order_once_with_filters()
    {
        for (var i = 0; i < 7; i++)
        {
            await Store.SaveAsync(Record(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) with { Status = i % 2 == 0 ? "received" : "cancelled" }, null, [], default);
            _backend.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(new OrderQuery { PageSize = 3, Continuation = continuation }, default);
            seen.AddRange(page.Orders.Select(o => o.OrderId));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(4, (await Store.ListAsync(new OrderQuery { Status = "received" }, default)).Orders.Count);
        Assert.Empty((await Store.ListAsync(new OrderQuery { Channel = "amazon" }, default)).Orders);
        var recent = await Store.ListAsync(new OrderQuery { ModifiedSince = _backend.Time.GetUtcNow().AddSeconds(-1) }, default);
        Assert.Equal(["shopify:shop.myshopify.com:6"], recent.Orders.Select(o => o.OrderId));
    }

    [ContractFact]
    public async Task A_listed_summary_shows_the_order_as_last_saved()
    {
        var order = Order("9") with
        {
            ChannelOrderId = "PO/2026 #9",
            Currency = "USD",
            PlacedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero),
            LineItems = [.. Order("9").LineItems, new LineItem { LineId = "2", Title = "U", Quantity = 2, UnitPrice = new Money(1.25m, "USD") }],
            Totals = new OrderTotals { Subtotal = new Money(2.60m, "USD"), Total = new Money(3.10m, "USD") },
        };
        var created = await Store.SaveAsync(new OrderRecord { Order = order, Status = "received" }, null, [], default);
        _backend.Time.Advance(TimeSpan.FromSeconds(5));
        var saved = await Store.SaveAsync(created with { Status = "validated" }, created.ETag, [], default);

        var summary = Assert.Single((await Store.ListAsync(new OrderQuery(), default)).Orders);
        Assert.Equal(OrderSummary.From(saved), summary);
        Assert.Equal("validated", summary.Status);
        Assert.Equal(2, summary.LineCount);
        Assert.Equal(new Money(3.10m, "USD"), summary.Totals.Total);
        Assert.Equal(created.CreatedAt, summary.CreatedAt);
        Assert.Equal(created.CreatedAt.AddSeconds(5), summary.ModifiedAt);
        Assert.Equal(summary, Assert.Single((await Store.ListAsync(new OrderQuery { Status = "validated" }, default)).Orders));
        Assert.Empty((await Store.ListAsync(new OrderQuery { Status = "received" }, default)).Orders);
    }

    [ContractFact]
    public async Task A_continuation_token_the_store_did_not_issue_is_a_format_error()
    {
        await Assert.ThrowsAsync<FormatException>(() => Store.ListAsync(new OrderQuery { Continuation = "%%%not-a-token" }, default));
    }

    private OrderEvent Event(string type) => new() { Type = type, At = _backend.Time.GetUtcNow(), Actor = "system:test" };

    private static OrderRecord Record(string id) => new() { Order = Order(id), Status = "received" };

    private static CanonicalOrder Order(string id) => new()
    {
        OrderId = OrderId.Compose("shopify", "shop.myshopify.com", id),
        Channel = "shopify",
        ChannelAccount = "shop.myshopify.com",
        ChannelOrderId = id,
        PlacedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Currency = "EUR",
        LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 1, UnitPrice = new Money(0.10m, "EUR") }],
    };
}
