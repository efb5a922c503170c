using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Inventory.Tests.Embedded;

public sealed class EmbeddedPublicationStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDatabase _database = new();
    private readonly SqliteInventoryPublicationStore _store;
    private readonly DateTimeOffset _now = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public EmbeddedPublicationStoreTests() => _store = new SqliteInventoryPublicationStore(_database.Database);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Scheduling_a_sku_again_overwrites_its_one_pending_row_with_the_latest_value()
    {
        await _store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        await _store.ScheduleAsync([new("shopify", "A", 4, _now, _now.AddSeconds(1)), new("amazon", "A", 9, _now, _now)], None);
        var pending = await _store.ListPendingAsync("shopify", parkedOnly: false, 10, None);
        Assert.Equal((4, 2L, _now), (Assert.Single(pending).Quantity, pending[0].Version, pending[0].ChangedAt));
        Assert.Single(await _store.ListPendingAsync("amazon", parkedOnly: false, 10, None));
    }

    [Fact]
    public async Task A_lease_hides_a_push_and_a_success_for_an_older_version_keeps_the_newer_value_pending()
    {
        await _store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        var taken = Assert.Single(await _store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));
        Assert.Empty(await _store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));

        await _store.ScheduleAsync([new("shopify", "A", 3, _now, _now)], None);
        await _store.CompleteAsync([new("shopify", "A", taken.Version, taken.Quantity, PushCompletionKind.Published, _now)], None);

        var state = (await _store.GetStatesAsync("shopify", ["A"], None))["A"];
        Assert.Equal(5, state.PublishedQuantity);
        Assert.Equal(3, state.Pending!.Quantity);
        var next = Assert.Single(await _store.TakeDueAsync("shopify", _now.AddSeconds(1), TimeSpan.FromMinutes(1), 10, None));
        Assert.Equal((3, 5), (next.Quantity, next.PublishedQuantity));
        await _store.CompleteAsync([new("shopify", "A", next.Version, next.Quantity, PushCompletionKind.Published, _now)], None);
        Assert.Empty(await _store.ListPendingAsync("shopify", parkedOnly: false, 10, None));
    }

    [Fact]
    public async Task A_failure_backs_off_and_new_values_do_not_hurry_a_parked_push()
    {
        await _store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        var taken = Assert.Single(await _store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));
        var retryAt = _now.AddMinutes(5);
        await _store.CompleteAsync([new("shopify", "A", taken.Version, 5, PushCompletionKind.Failed, _now) { RetryAt = retryAt, Park = true, Error = "503" }], None);
        await _store.ScheduleAsync([new("shopify", "A", 2, _now.AddSeconds(1), _now.AddSeconds(1))], None);

        var parked = Assert.Single(await _store.ListPendingAsync("shopify", parkedOnly: true, 10, None));
        Assert.Equal((2, retryAt, 1, "503"), (parked.Quantity, parked.DueAt, parked.Attempts, parked.LastError));
        Assert.Empty(await _store.TakeDueAsync("shopify", _now.AddMinutes(1), TimeSpan.FromMinutes(1), 10, None));
        Assert.Equal(retryAt, await _store.NextDueAsync("shopify", None));
        Assert.Single(await _store.TakeDueAsync("shopify", retryAt, TimeSpan.FromMinutes(1), 10, None));
    }
}
