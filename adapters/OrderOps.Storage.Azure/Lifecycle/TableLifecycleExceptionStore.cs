using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Storage.Azure.Lifecycle;

/// <summary>
/// The exception queue in one Table.
/// <list type="bullet">
/// <item><c>exception|{exception id}</c> / <c>record</c>: the exception as JSON (split over <c>Document{n}</c>
/// properties, 64 KiB each at most), open or not, and which list row is its own. The truth; writing it commits.</item>
/// <item><c>open</c> / <c>{newest-first ticks:D19}|{exception id}</c>: the open ones, newest first, so
/// <c>GET /api/exceptions</c> (open by default) reads one small partition from its start.</item>
/// <item><c>all</c> / the same row key: every exception, for <c>status=all</c>; also read from its start, newest first.</item>
/// </list>
/// The channel filter is a property filter on the list row, checked again on the record. No by-order partition: no port
/// method lists one order's exceptions (the order's process state holds them).
/// <para>
/// Writes go list rows first, record second, leftover list rows last (a resolved exception's <c>open</c> row, the rows
/// of an earlier raise time), and a list row counts only if its record names it (and, in <c>open</c>, is still open).
/// So a crash leaves at worst a list row the reads skip; they delete such rows once older than
/// <see cref="AbandonedAfter"/>. Each listed exception is one point read of its record.
/// </para>
/// </summary>
public sealed class TableLifecycleExceptionStore(TableClient table, TimeProvider time) : ILifecycleExceptionStore
{
    /// <summary>When a list row nothing points at is garbage rather than a write still in flight.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private const string RecordRowKey = "record";
    private const string Open = "open";
    private const string All = "all";
    private const string ExceptionId = nameof(ExceptionId);
    private const string Channel = nameof(Channel);
    private const string IsOpen = nameof(IsOpen);
    private const string ListRowKey = nameof(ListRowKey);
    private const string Parts = nameof(Parts);
    private const string Written = nameof(Written);

    /// <summary>Characters per <c>Document{n}</c> property: Table storage strings are UTF-16 and at most 64 KiB.</summary>
    private const int PartLength = 30_000;

    /// <summary>Keeps the record under Table storage's 1 MiB entity limit.</summary>
    private const int MaxParts = 15;

    public async Task UpsertAsync(LifecycleException exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var record = Record(exception);
        var listRow = record.GetString(ListRowKey);
        var previous = await ReadRecordAsync(exception.ExceptionId, [ListRowKey], cancellationToken);
        await table.UpsertEntityAsync(ListEntry(All, listRow, exception), TableUpdateMode.Replace, cancellationToken);
        if (exception.IsOpen)
        {
            await table.UpsertEntityAsync(ListEntry(Open, listRow, exception), TableUpdateMode.Replace, cancellationToken);
        }

        await table.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);

        if (previous?.GetString(ListRowKey) is { } previousRow && previousRow != listRow)
        {
            await DeleteAsync(All, previousRow, ETag.All, cancellationToken);
            await DeleteAsync(Open, previousRow, ETag.All, cancellationToken);
        }

        if (!exception.IsOpen)
        {
            await DeleteAsync(Open, listRow, ETag.All, cancellationToken);
        }
    }

    public async Task<LifecycleException?> GetAsync(string exceptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exceptionId);
        return await ReadRecordAsync(exceptionId, null, cancellationToken) is { } record ? Document(record) : null;
    }

    public async Task<IReadOnlyList<LifecycleException>> ListAsync(bool openOnly, string? channel, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, 1000);
        var partition = openOnly ? Open : All;
        var filter = $"PartitionKey eq {TableKeys.Literal(partition)}" + (channel is null ? string.Empty : $" and Channel eq {TableKeys.Literal(channel)}");
        var found = new List<LifecycleException>(limit);
        var now = time.GetUtcNow();
        await foreach (var page in table.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages())
        {
            var rows = page.Values;
            var records = await Task.WhenAll(rows.Select(row => ReadRecordAsync(row.GetString(ExceptionId), null, cancellationToken)));
            for (var i = 0; i < rows.Count && found.Count < limit; i++)
            {
                if (records[i] is { } record && record.GetString(ListRowKey) == rows[i].RowKey && (!openOnly || record.GetBoolean(IsOpen) == true))
                {
                    if (channel is null || record.GetString(Channel) == channel)
                    {
                        found.Add(Document(record));
                    }
                }
                else if (rows[i].GetInt64(Written) is not { } written || now.UtcTicks - written > AbandonedAfter.Ticks)
                {
                    await DeleteAsync(rows[i].PartitionKey, rows[i].RowKey, rows[i].ETag, cancellationToken);
                }
            }

            if (found.Count >= limit)
            {
                break;
            }
        }

        return found;
    }

    private TableEntity Record(LifecycleException exception)
    {
        var document = OrderOpsJson.Serialize(exception);
        var parts = (document.Length + PartLength - 1) / PartLength;
        if (parts > MaxParts)
        {
            throw new ArgumentException(
                $"Lifecycle exception '{exception.ExceptionId}' serialises to {document.Length} characters; one Table storage entity holds at most {MaxParts * PartLength}.",
                nameof(exception));
        }

        var entity = new TableEntity(RecordPartition(exception.ExceptionId), RecordRowKey)
        {
            [ExceptionId] = exception.ExceptionId,
            [Channel] = exception.Channel,
            [IsOpen] = exception.IsOpen,
            [ListRowKey] = NewestFirst(exception),
            [Written] = time.GetUtcNow().UtcTicks,
            [Parts] = parts,
        };
        for (var i = 0; i < parts; i++)
        {
            entity["Document" + i.ToString(CultureInfo.InvariantCulture)] = document.Substring(i * PartLength, Math.Min(PartLength, document.Length - (i * PartLength)));
        }

        return entity;
    }

    private TableEntity ListEntry(string partition, string rowKey, LifecycleException exception) =>
        new(partition, rowKey) { [ExceptionId] = exception.ExceptionId, [Channel] = exception.Channel, [Written] = time.GetUtcNow().UtcTicks };

    private static LifecycleException Document(TableEntity record)
    {
        var text = new StringBuilder();
        for (var i = 0; i < (record.GetInt32(Parts) ?? 0); i++)
        {
            text.Append(record.GetString("Document" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return OrderOpsJson.Deserialize<LifecycleException>(text.ToString());
    }

    /// <summary>Later raises sort first; ties by id, as the embedded store orders them.</summary>
    private static string NewestFirst(LifecycleException exception) =>
        (DateTimeOffset.MaxValue.UtcTicks - exception.RaisedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + TableKeys.Escape(exception.ExceptionId);

    private static string RecordPartition(string exceptionId) => "exception|" + TableKeys.Escape(exceptionId);

    private async Task<TableEntity?> ReadRecordAsync(string exceptionId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(RecordPartition(exceptionId), RecordRowKey, select, cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private async Task DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }
}
