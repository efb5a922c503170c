namespace OrderOps.Core.Ports;

/// <summary>
/// The operators' view across all orders: how many sit in each lifecycle state per channel and for how long, and
/// finding an order by its channel order number, customer e-mail or SKU. Separate from <see cref="IOrderStore"/>, whose pages are for
/// integrations polling changes; these answers are aggregates a page of 200 could not give.
/// </summary>
public interface IOrderOverview
{
    /// <summary>
    /// One row per (state, channel) that holds orders. An order counts as stuck when it last changed before its state's
    /// cutoff in <paramref name="stuckBefore"/>; states without a cutoff (terminal ones) never count as stuck.
    /// </summary>
    Task<IReadOnlyList<OrderStateCount>> CountByStateAsync(IReadOnlyDictionary<string, DateTimeOffset> stuckBefore, CancellationToken cancellationToken);

    /// <summary>Ids of orders whose id or channel order number is exactly <paramref name="term"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> FindAsync(string term, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of orders that hold <paramref name="key"/> now (an <see cref="Orders.OrderSearchKeys"/> key: a hashed customer
    /// e-mail or a line's SKU), the most recently created first, at most <paramref name="limit"/>. An order whose e-mail
    /// or lines changed is found by its new keys only.
    /// </summary>
    Task<IReadOnlyList<string>> FindByKeyAsync(string key, int limit, CancellationToken cancellationToken);
}

/// <param name="OldestModifiedAt">The earliest last change among them: how long the oldest has waited in this state.</param>
public sealed record OrderStateCount(string State, string Channel, long Count, long Stuck, DateTimeOffset OldestModifiedAt);
