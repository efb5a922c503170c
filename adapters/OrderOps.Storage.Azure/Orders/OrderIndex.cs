using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Orders;

/// <summary>
/// The order list, kept in Table storage because listing orders across Cosmos DB partitions needs a cross-partition
/// query, which cosmosdb-server cannot run (and which costs RUs on every page on a real account).
/// <para>
/// One row per order and modification: PartitionKey = the UTC day of the modification (<c>yyyyMMdd</c>, so writes of
/// one day share a partition and older days go cold), RowKey = <c>{modifiedAt ms:D15}|{orderId}</c>. Table storage
/// returns rows in (PartitionKey, RowKey) order, which is (modified time, order id) order: the order the API promises.
/// </para>
/// <para>
/// The index is written ahead of the Cosmos DB commit (new row first, the order's previous row removed after), and a
/// row counts only if the order document it points to has exactly that modification time. So a crash at any point
/// leaves at worst a stale row, which listing skips; an order is never missing from the list and never listed twice.
/// Each listed order's summary is read from its Cosmos DB document (a projection, never the whole order), so pages
/// always show current documents.
/// </para>
/// </summary>
public sealed class OrderIndex(TableClient table)
{
    public async Task PutAsync(string orderId, string channel, string status, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition(modifiedAt), Row(modifiedAt, orderId))
        {
            ["OrderId"] = orderId,
            ["Channel"] = channel,
            ["Status"] = status,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Removes the row of an earlier modification; best effort (a leftover row is skipped when listing).</summary>
    public async Task RemoveAsync(string orderId, DateTimeOffset previousModifiedAt, DateTimeOffset currentModifiedAt, CancellationToken cancellationToken)
    {
        if (previousModifiedAt.ToUnixTimeMilliseconds() == currentModifiedAt.ToUnixTimeMilliseconds())
        {
            return; // same row, just rewritten
        }

        try
        {
            await table.DeleteEntityAsync(Partition(previousModifiedAt), Row(previousModifiedAt, orderId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Left behind: listing skips rows whose time no longer matches the order.
        }
    }

    public async Task<OrderPage> ListAsync(OrderQuery query, Func<string, CancellationToken, Task<OrderSummary?>> readSummary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var filters = new List<string>();
        if (Decode(query.Continuation) is { } after)
        {
            filters.Add($"PartitionKey ge {TableKeys.Literal(after.Partition)} and RowKey gt {TableKeys.Literal(after.Row)}");
        }

        if (query.ModifiedSince is { } since)
        {
            filters.Add($"PartitionKey ge {TableKeys.Literal(Partition(since))} and RowKey ge {TableKeys.Literal(Millis(since))}");
        }

        if (query.Channel is not null)
        {
            filters.Add($"Channel eq {TableKeys.Literal(query.Channel)}");
        }

        // No server-side status filter: two writers racing within the same millisecond write the same row, and the
        // loser's status may be the one left in it. Status is checked on the order document read below instead.
        var filter = filters.Count == 0 ? null : string.Join(" and ", filters.Select(f => $"({f})"));
        var found = new List<(OrderSummary Summary, TableEntity Row)>(pageSize + 1);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: cancellationToken).AsPages())
        {
            // Summaries only, one order at a time: the page's memory never grows with order size.
            foreach (var row in page.Values)
            {
                if (found.Count > pageSize)
                {
                    break;
                }

                if (await readSummary(row.GetString("OrderId"), cancellationToken) is { } summary && IsCurrent(row, summary) && Matches(summary, query))
                {
                    found.Add((summary, row));
                }
            }

            if (found.Count > pageSize)
            {
                break;
            }
        }

        if (found.Count <= pageSize)
        {
            return new OrderPage(found.Select(f => f.Summary).ToList(), null);
        }

        found.RemoveAt(found.Count - 1);
        var last = found[^1].Row;
        return new OrderPage(found.Select(f => f.Summary).ToList(), Encode(last.PartitionKey, last.RowKey));
    }

    private static bool IsCurrent(TableEntity row, OrderSummary summary) =>
        row.RowKey == Row(summary.ModifiedAt, summary.OrderId);

    private static bool Matches(OrderSummary summary, OrderQuery query) =>
        (query.Channel is null || summary.Channel == query.Channel)
        && (query.Status is null || summary.Status == query.Status)
        && (query.ModifiedSince is not { } since || summary.ModifiedAt >= since);

    private static string Partition(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture);

    private static string Row(DateTimeOffset at, string orderId) => Millis(at) + "|" + TableKeys.Escape(orderId);

    private static string Encode(string partition, string row) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(partition + "\n" + row));

    private static (string Partition, string Row)? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline == 8 && text.Length > 9)
            {
                return (text[..newline], text[(newline + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new FormatException("The continuation token is not one this service issued.");
    }
}
