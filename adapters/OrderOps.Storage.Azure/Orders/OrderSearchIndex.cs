using System.Globalization;
using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Orders;

/// <summary>
/// Finding orders by customer e-mail or SKU (<see cref="OrderSearchKeys"/>) in Table storage: Cosmos DB could answer
/// only with a cross-partition query, which cosmosdb-server cannot run and which a real account bills on every search.
/// <para>
/// One row per (key, order): PartitionKey = the key (an e-mail's is its SHA-256, never the address), RowKey =
/// <c>{(MaxMs − createdAt ms):D15}|{orderId}</c>. The order's creation time never changes, so an order has exactly one
/// row per key, and a partition reads newest order first: the first rows are the answer, however popular the SKU.
/// </para>
/// <para>
/// Kept like <see cref="OrderIndex"/>: the save writes the rows of its keys ahead of the Cosmos DB commit and removes the
/// rows of keys the order no longer holds after it (best effort). A row counts only if the order it names holds the key
/// now, checked on the order itself, so a crash between the writes leaves at worst a stale row that searching skips.
/// </para>
/// </summary>
public sealed class OrderSearchIndex(TableClient table)
{
    private const long MaxMs = 999_999_999_999_999;

    public async Task PutAsync(string orderId, DateTimeOffset createdAt, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var entity = new TableEntity(TableKeys.Escape(key), Row(createdAt, orderId)) { ["OrderId"] = orderId };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Removes the rows of <paramref name="keys"/>; best effort (a leftover row is skipped when searching).</summary>
    public async Task RemoveAsync(string orderId, DateTimeOffset createdAt, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            try
            {
                await table.DeleteEntityAsync(TableKeys.Escape(key), Row(createdAt, orderId), ETag.All, cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Left behind: searching checks every row against the order.
            }
        }
    }

    /// <summary>The orders holding <paramref name="key"/>, newest created first, confirmed on <paramref name="orders"/>.</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string key, int limit, IOrderStore orders, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<string>(limit);
        var filter = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(key))}";
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, limit * 2), select: ["OrderId"], cancellationToken: cancellationToken))
        {
            var orderId = row.GetString("OrderId");
            if (await orders.GetAsync(orderId, cancellationToken) is { } record && OrderSearchKeys.For(record.Order).Contains(key, StringComparer.Ordinal))
            {
                found.Add(orderId);
                if (found.Count == limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    private static string Row(DateTimeOffset createdAt, string orderId) =>
        (MaxMs - createdAt.ToUnixTimeMilliseconds()).ToString("D15", CultureInfo.InvariantCulture) + "|" + TableKeys.Escape(orderId);
}
