using System.Globalization;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Orders;

/// <summary>
/// <see cref="IOrderOverview"/> over the order index table (see <see cref="OrderIndex"/>; e-mails and SKUs: <see cref="OrderSearchIndex"/>): one pass over its rows,
/// reading only their keys, channel and status, never an order document. Cosmos DB could group by state only with a
/// cross-partition query (which cosmosdb-server cannot run and which costs RUs on every view); the index already holds
/// one row per order with what the count needs.
/// </summary>
/// <remarks>
/// The cost grows with the number of orders (one row each, a thousand per request). A row a crash left behind is
/// recognised by its order id appearing again with a later modification, and only the latest row counts. The row's
/// status can lag the order's by one write when two writers raced in the same millisecond (see OrderIndex).
/// </remarks>
public sealed class TableOrderOverview(TableClient index, IOrderStore orders, OrderSearchIndex search) : IOrderOverview
{
    private static readonly string[] Columns = ["RowKey", "OrderId", "Channel", "Status"];

    public async Task<IReadOnlyList<OrderStateCount>> CountByStateAsync(IReadOnlyDictionary<string, DateTimeOffset> stuckBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stuckBefore);
        var latest = new Dictionary<string, (string Status, string Channel, long Millis)>(StringComparer.Ordinal);
        await foreach (var row in index.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: 1000, select: Columns, cancellationToken: cancellationToken))
        {
            var millis = long.Parse(row.RowKey.AsSpan(0, 15), NumberStyles.None, CultureInfo.InvariantCulture);
            var orderId = row.GetString("OrderId");
            if (!latest.TryGetValue(orderId, out var seen) || seen.Millis < millis)
            {
                latest[orderId] = (row.GetString("Status"), row.GetString("Channel"), millis);
            }
        }

        var cutoffs = stuckBefore.ToDictionary(c => c.Key, c => c.Value.ToUnixTimeMilliseconds(), StringComparer.Ordinal);
        return latest.Values
            .GroupBy(o => (o.Status, o.Channel))
            .Select(g => new OrderStateCount(
                g.Key.Status,
                g.Key.Channel,
                g.LongCount(),
                cutoffs.TryGetValue(g.Key.Status, out var cutoff) ? g.LongCount(o => o.Millis < cutoff) : 0,
                DateTimeOffset.FromUnixTimeMilliseconds(g.Min(o => o.Millis))))
            .OrderBy(c => c.State, StringComparer.Ordinal)
            .ThenBy(c => c.Channel, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<string>> FindAsync(string term, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(term);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<string>();
        if (await orders.GetAsync(term, cancellationToken) is not null)
        {
            found.Add(term);
        }

        // An order id ends with ':' + its channel order id (OrderId.Compose); the document confirms it.
        var suffix = ":" + term;
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in index.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: 1000, select: ["OrderId"], cancellationToken: cancellationToken))
        {
            var orderId = row.GetString("OrderId");
            if (orderId.EndsWith(suffix, StringComparison.Ordinal) && orderId != term)
            {
                candidates.Add(orderId);
            }
        }

        foreach (var orderId in candidates.Order(StringComparer.Ordinal))
        {
            if (found.Count >= limit)
            {
                break;
            }

            if (await orders.GetAsync(orderId, cancellationToken) is { } record && record.Order.ChannelOrderId == term)
            {
                found.Add(orderId);
            }
        }

        return found;
    }

    public Task<IReadOnlyList<string>> FindByKeyAsync(string key, int limit, CancellationToken cancellationToken) =>
        search.FindAsync(key, limit, orders, cancellationToken);
}
