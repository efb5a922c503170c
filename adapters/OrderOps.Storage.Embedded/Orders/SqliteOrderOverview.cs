using System.Globalization;
using System.Text;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Orders;

/// <summary>
/// <see cref="IOrderOverview"/> in SQL: counts from the covering index <c>ix_orders_overview</c>, channel order numbers
/// from the order documents, e-mails and SKUs from <c>order_search_keys</c> (written with each order).
/// </summary>
public sealed class SqliteOrderOverview(SqliteDatabase database) : IOrderOverview
{
    public async Task<IReadOnlyList<OrderStateCount>> CountByStateAsync(IReadOnlyDictionary<string, DateTimeOffset> stuckBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stuckBefore);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var stuck = new StringBuilder("CASE status");
        var index = 0;
        foreach (var (state, cutoff) in stuckBefore)
        {
            stuck.Append(CultureInfo.InvariantCulture, $" WHEN $s{index} THEN modified_at < $c{index}");
            command.Parameters.AddWithValue($"$s{index}", state);
            command.Parameters.AddWithValue($"$c{index}", UnixTime.ToMs(cutoff));
            index++;
        }

        stuck.Append(" ELSE 0 END");
        command.CommandText = $"SELECT status, channel, COUNT(*), SUM({(index == 0 ? "0" : stuck.ToString())}), MIN(modified_at) FROM orders GROUP BY status, channel ORDER BY status, channel";
        var counts = new List<OrderStateCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new OrderStateCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), UnixTime.FromMs(reader.GetInt64(4))));
        }

        return counts;
    }

    public async Task<IReadOnlyList<string>> FindAsync(string term, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(term);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // An order id ends with ':' + its channel order id (OrderId.Compose): the suffix narrows the scan to the order ids,
        // the document confirms it (an account could contain ':').
        command.CommandText = """
            SELECT order_id FROM orders WHERE order_id = $term
            UNION
            SELECT order_id FROM orders WHERE substr(order_id, -length($suffix)) = $suffix AND json_extract(document, '$.channelOrderId') = $term
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$term", term);
        command.Parameters.AddWithValue("$suffix", ":" + term);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadIdsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> FindByKeyAsync(string key, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT k.order_id FROM order_search_keys k JOIN order_summaries s ON s.order_id = k.order_id
            WHERE k.search_key = $key
            ORDER BY s.created_at DESC, k.order_id
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadIdsAsync(command, cancellationToken);
    }

    private static async Task<List<string>> ReadIdsAsync(Microsoft.Data.Sqlite.SqliteCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
