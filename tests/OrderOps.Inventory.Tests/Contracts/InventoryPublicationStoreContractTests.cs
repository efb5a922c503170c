using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.Contracts;

/// <summary>
/// What every <see cref="IInventoryPublicationStore"/> backend must do: one coalescing pending row per (channel, SKU),
/// leases, versions that keep a newer value pending, backoff and parking. Subclass per backend and supply
/// <see cref="Store"/> (fresh and empty per test).
/// </summary>
public abstract class InventoryPublicationStoreContractTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly DateTimeOffset _now = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    protected abstract IInventoryPublicationStore Store { get; }

    [ContractFact]
    public async Task Scheduling_a_sku_again_overwrites_its_one_pending_row_with_the_latest_value()
    {
        await Store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        await Store.ScheduleAsync([new("shopify", "A", 4, _now, _now.AddSeconds(1)), new("amazon", "A", 9, _now, _now)], None);
        var pending = await Store.ListPendingAsync("shopify", parkedOnly: false, 10, None);
        Assert.Equal((4, 2L, _now), (Assert.Single(pending).Quantity, pending[0].Version, pending[0].ChangedAt));
        Assert.Single(await Store.ListPendingAsync("amazon", parkedOnly: false, 10, None));
    }

    [ContractFact]
    public async Task A_lease_hides_a_push_and_a_success_for_an_older_version_keeps_the_newer_value_pending()
    {
        await Store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        var taken = Assert.Single(await Store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));
        Assert.Empty(await Store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));

        await Store.ScheduleAsync([new("shopify", "A", 3, _now, _now)], None);
        await Store.CompleteAsync([new("shopify", "A", taken.Version, taken.Quantity, PushCompletionKind.Published, _now)], None);

        var state = (await Store.GetStatesAsync("shopify", ["A"], None))["A"];
        Assert.Equal(5, state.PublishedQuantity);
        Assert.Equal(3, state.Pending!.Quantity);
        var next = Assert.Single(await Store.TakeDueAsync("shopify", _now.AddSeconds(1), TimeSpan.FromMinutes(1), 10, None));
        Assert.Equal((3, 5), (next.Quantity, next.PublishedQuantity));
        await Store.CompleteAsync([new("shopify", "A", next.Version, next.Quantity, PushCompletionKind.Published, _now)], None);
        Assert.Empty(await Store.ListPendingAsync("shopify", parkedOnly: false, 10, None));
    }

    [ContractFact]
    public async Task A_failure_backs_off_and_new_values_do_not_hurry_a_parked_push()
    {
        await Store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        var taken = Assert.Single(await Store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None));
        var retryAt = _now.AddMinutes(5);
        await Store.CompleteAsync([new("shopify", "A", taken.Version, 5, PushCompletionKind.Failed, _now) { RetryAt = retryAt, Park = true, Error = "503" }], None);
        await Store.ScheduleAsync([new("shopify", "A", 2, _now.AddSeconds(1), _now.AddSeconds(1))], None);

        var parked = Assert.Single(await Store.ListPendingAsync("shopify", parkedOnly: true, 10, None));
        Assert.Equal((2, retryAt, 1, "503"), (parked.Quantity, parked.DueAt, parked.Attempts, parked.LastError));
        Assert.Empty(await Store.TakeDueAsync("shopify", _now.AddMinutes(1), TimeSpan.FromMinutes(1), 10, None));
        Assert.Equal(retryAt, await Store.NextDueAsync("shopify", None));
        Assert.Single(await Store.TakeDueAsync("shopify", retryAt, TimeSpan.FromMinutes(1), 10, None));
    }

    [ContractFact]
    public async Task Not_listed_drops_the_pending_push_and_deferred_waits_without_counting_an_attempt()
    {
        await Store.ScheduleAsync([new("amazon", "A", 5, _now, _now), new("amazon", "B", 7, _now, _now)], None);
        var taken = await Store.TakeDueAsync("amazon", _now, TimeSpan.FromMinutes(1), 10, None);
        Assert.Equal(["A", "B"], taken.Select(t => t.Sku).Order());
        var a = taken.Single(t => t.Sku == "A");
        var b = taken.Single(t => t.Sku == "B");
        var later = _now.AddSeconds(30);
        await Store.CompleteAsync(
        [
            new("amazon", "A", a.Version, a.Quantity, PushCompletionKind.NotListed, _now),
            new("amazon", "B", b.Version, b.Quantity, PushCompletionKind.Deferred, _now) { RetryAt = later, Error = "channel down" },
        ], None);

        var pending = Assert.Single(await Store.ListPendingAsync("amazon", parkedOnly: false, 10, None));
        Assert.Equal(("B", later, 0, "channel down"), (pending.Sku, pending.DueAt, pending.Attempts, pending.LastError));
        Assert.Null((await Store.GetStatesAsync("amazon", ["A"], None)).GetValueOrDefault("A")?.Pending);
        Assert.Equal(later, await Store.NextDueAsync("amazon", None));
        Assert.Null(await Store.NextDueAsync("shopify", None));
    }

    [ContractFact]
    public async Task A_push_whose_lease_ran_out_is_taken_again()
    {
        await Store.ScheduleAsync([new("shopify", "A", 5, _now, _now)], None);
        var lease = TimeSpan.FromMinutes(2);
        var first = Assert.Single(await Store.TakeDueAsync("shopify", _now, lease, 10, None));
        Assert.Equal(_now + lease, await Store.NextDueAsync("shopify", None));
        Assert.Empty(await Store.TakeDueAsync("shopify", _now + lease - TimeSpan.FromSeconds(1), lease, 10, None));

        var again = Assert.Single(await Store.TakeDueAsync("shopify", _now + lease, lease, 10, None));
        Assert.Equal((first.Version, 5), (again.Version, again.Quantity));
        Assert.Equal(_now + lease, (await Store.GetStatesAsync("shopify", ["A"], None))["A"].LastAttemptAt);
    }

    [ContractFact]
    public async Task States_of_many_skus_come_back_together_and_only_for_skus_with_a_row()
    {
        var skus = Enumerable.Range(0, 60).Select(i => $"SKU-{i:D3}").ToList();
        await Store.ScheduleAsync(skus.Where((_, i) => i % 2 == 0).Select(s => new ScheduledPush("shopify", s, 3, _now, _now)).ToList(), None);
        await Store.ScheduleAsync([new("amazon", "SKU-001", 9, _now, _now)], None);

        var states = await Store.GetStatesAsync("shopify", skus.Append("SKU-999").ToList(), None);

        Assert.Equal(skus.Where((_, i) => i % 2 == 0), states.Keys.Order());
        Assert.All(states.Values, s => Assert.Equal((3, "shopify"), (s.Pending!.Quantity, s.Channel)));
        Assert.Equal(10, (await Store.TakeDueAsync("shopify", _now, TimeSpan.FromMinutes(1), 10, None)).Count);
    }
}
