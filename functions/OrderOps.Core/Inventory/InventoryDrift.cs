using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory;

/// <summary>
/// The SKUs whose channel shows a quantity other than the one the ledger says it should show now: per enabled channel,
/// every SKU the channel was told a quantity for (<see cref="PublicationState.PublishedQuantity"/>) that differs from
/// <see cref="AvailableToSellCalculator"/>'s answer over today's balances and buffers.
/// <para>
/// Computed from the ports that already hold both sides (the ledger's SKU list and balances, the publication store's
/// states), a page of SKUs at a time, rather than kept as a table of its own: drift also appears without any push being
/// scheduled (a buffer changed in configuration, a signal lost), and a stored list would miss exactly those. SKUs a
/// channel was never told about are not drift (unlisted there, or their first push is pending: the Inventory page shows it).
/// </para>
/// How long a SKU has drifted is known when a push is owed: its <see cref="PendingPush.ChangedAt"/> is when the oldest
/// change not yet published committed. Without a pending push nothing recorded when the values parted, so it is null.
/// </summary>
public sealed class InventoryDrift(IInventoryLedger ledger, IInventoryPublicationStore publications, InventoryOptions options)
{
    public const int PageSize = 500;

    /// <summary>Every enabled channel with how many SKUs drift, and the first <paramref name="limit"/> of them in SKU order.</summary>
    public async Task<IReadOnlyList<ChannelDrift>> FindAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var channels = options.Channels.Where(c => c.Value.Enabled).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var found = channels.ToDictionary(c => c.Key, _ => (Count: 0, Rows: new List<DriftingSku>()), StringComparer.Ordinal);
        string? after = null;
        while (channels.Count > 0)
        {
            var skus = await ledger.ListSkusAsync(after, PageSize, cancellationToken);
            if (skus.Count == 0)
            {
                break;
            }

            var balances = await ledger.GetBalancesAsync(skus, cancellationToken);
            foreach (var (channel, channelOptions) in channels)
            {
                var states = await publications.GetStatesAsync(channel, skus, cancellationToken);
                var (count, rows) = found[channel];
                foreach (var sku in skus)
                {
                    if (states.GetValueOrDefault(sku) is not { PublishedQuantity: { } published } state)
                    {
                        continue;
                    }

                    var expected = AvailableToSellCalculator.Compute(channel, sku, channelOptions, balances);
                    if (expected.Quantity == published)
                    {
                        continue;
                    }

                    count++;
                    if (rows.Count < limit)
                    {
                        rows.Add(new DriftingSku(sku, published, state.PublishedAt, expected.Quantity, expected.Explanation, state.Pending?.ChangedAt, state.Pending));
                    }
                }

                found[channel] = (count, rows);
            }

            after = skus[^1];
        }

        return channels.Select(c => new ChannelDrift(c.Key, found[c.Key].Count, found[c.Key].Rows)).ToList();
    }
}

/// <param name="Drifting">How many SKUs drift on the channel; <paramref name="Skus"/> holds the first of them.</param>
public sealed record ChannelDrift(string Channel, int Drifting, IReadOnlyList<DriftingSku> Skus);

/// <param name="DriftingSince">When the oldest change the channel has not been told committed; null when unknown.</param>
/// <param name="Pending">The push on its way (or parked), if any.</param>
public sealed record DriftingSku(
    string Sku,
    int PublishedQuantity,
    DateTimeOffset? PublishedAt,
    int LedgerQuantity,
    string Computation,
    DateTimeOffset? DriftingSince,
    PendingPush? Pending);
