using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>The operators' overview: counts by state and channel with ageing and stuck orders, and finding by channel order number, customer e-mail and SKU.</summary>
public abstract class OrderOverviewContract : IAsyncLifetime
{
    private IStorageBackend _backend = null!;
    private IOrderOverview _overview = null!;

    public async Task InitializeAsync() => (_backend, _overview) = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<(IStorageBackend, IOrderOverview)> CreateBackendAsync();

    [ContractFact]
    public async Task Orders_are_counted_by_state_and_channel_with_the_oldest_change_and_those_stuck()
    {
        var start = _backend.Time.GetUtcNow();
        await SaveNewAsync("shopify", "1", "received");
        _backend.Time.Advance(TimeSpan.FromMinutes(10));
        await SaveNewAsync("shopify", "2", "received");
        await SaveNewAsync("amazon", "3", "received");
        await SaveNewAsync("amazon", "4", "allocated");

        var counts = await _overview.CountByStateAsync(new Dictionary<string, DateTimeOffset> { ["received"] = start.AddMinutes(5) }, default);

        Assert.Equal(
            [
                new OrderStateCount("allocated", "amazon", 1, 0, start.AddMinutes(10)),
                new OrderStateCount("received", "amazon", 1, 0, start.AddMinutes(10)),
                new OrderStateCount("received", "shopify", 2, 1, start),
            ],
            counts);
    }

    [ContractFact]
    public async Task An_order_that_moved_counts_once_in_its_latest_state_from_its_latest_change()
    {
        var saved = await SaveNewAsync("shopify", "1", "received");
        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        await _backend.Orders.SaveAsync(saved with { Status = "allocated" }, saved.ETag, [], default);

        var counts = await _overview.CountByStateAsync(new Dictionary<string, DateTimeOffset>(), default);

        Assert.Equal([new OrderStateCount("allocated", "shopify", 1, 0, _backend.Time.GetUtcNow())], counts);
    }

    [ContractFact]
    public async Task Orders_are_found_by_id_or_by_exactly_their_channel_order_number()
    {
        await SaveNewAsync("shopify", "100", "received");
        await SaveNewAsync("amazon", "1100", "received");
        await SaveNewAsync("amazon", "100", "shipped");

        var byNumber = await _overview.FindAsync("100", 10, default);
        var byId = await _overview.FindAsync(OrderId.Compose("amazon", "acct", "1100"), 10, default);

        Assert.Equal([OrderId.Compose("amazon", "acct", "100"), OrderId.Compose("shopify", "acct", "100")], byNumber.Order(StringComparer.Ordinal));
        Assert.Equal([OrderId.Compose("amazon", "acct", "1100")], byId);
        Assert.Empty(await _overview.FindAsync("nothing-like-it", 10, default));
    }

    [ContractFact]
    public async Task Orders_are_found_by_customer_email_whatever_its_case_and_by_sku_newest_first()
    {
        await SaveNewAsync("shopify", "1", "received", "Ann@Example.com", "SKU-A", "SKU-B");
        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        await SaveNewAsync("amazon", "2", "received", "bob@example.com", "SKU-B");
        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        await SaveNewAsync("shopify", "3", "received", " ann@example.COM ", "SKU-C");

        Assert.Equal(
            [OrderId.Compose("shopify", "acct", "3"), OrderId.Compose("shopify", "acct", "1")],
            await _overview.FindByKeyAsync(OrderSearchKeys.Email("ANN@example.com")!, 10, default));
        Assert.Equal(
            [OrderId.Compose("amazon", "acct", "2"), OrderId.Compose("shopify", "acct", "1")],
            await _overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-B")!, 10, default));
        Assert.Equal([OrderId.Compose("amazon", "acct", "2")], await _overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-B")!, 1, default));
        Assert.Empty(await _overview.FindByKeyAsync(OrderSearchKeys.Sku("sku-b")!, 10, default));
        Assert.Empty(await _overview.FindByKeyAsync(OrderSearchKeys.Email("nobody@example.com")!, 10, default));
    }

    [ContractFact]
    public async Task An_order_whose_email_or_lines_changed_is_found_by_its_new_keys_only()
    {
        var saved = await SaveNewAsync("shopify", "1", "received", "old@example.com", "SKU-OLD", "SKU-KEPT");
        var changed = saved.Order with
        {
            Customer = new Customer { Email = "new@example.com" },
            LineItems = [Line("1", "SKU-KEPT"), Line("2", "SKU-NEW")],
        };
        await _backend.Orders.SaveAsync(saved with { Order = changed, Status = "validated" }, saved.ETag, [], default);

        string[] id = [saved.OrderId];
        Assert.Empty(await _overview.FindByKeyAsync(OrderSearchKeys.Email("old@example.com")!, 10, default));
        Assert.Empty(await _overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-OLD")!, 10, default));
        Assert.Equal(id, await _overview.FindByKeyAsync(OrderSearchKeys.Email("new@example.com")!, 10, default));
        Assert.Equal(id, await _overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-KEPT")!, 10, default));
        Assert.Equal(id, await _overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-NEW")!, 10, default));
    }

    private Task<OrderRecord> SaveNewAsync(string channel, string channelOrderId, string status, string? email = null, params string[] skus) =>
        _backend.Orders.SaveAsync(
            new OrderRecord
            {
                Order = Order(channel, channelOrderId) with
                {
                    Customer = email is null ? null : new Customer { Email = email },
                    LineItems = skus.Length == 0 ? [Line("1", null)] : skus.Select((sku, i) => Line((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), sku)).ToList(),
                },
                Status = status,
            },
            null,
            [],
            default);

    private static LineItem Line(string lineId, string? sku) => new() { LineId = lineId, Sku = sku, Title = "T", Quantity = 1, UnitPrice = new Money(0.10m, "EUR") };

    private static CanonicalOrder Order(string channel, string channelOrderId) => new()
    {
        OrderId = OrderId.Compose(channel, "acct", channelOrderId),
        Channel = channel,
        ChannelAccount = "acct",
        ChannelOrderId = channelOrderId,
        PlacedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Currency = "EUR",
        LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 1, UnitPrice = new Money(0.10m, "EUR") }],
    };
}
