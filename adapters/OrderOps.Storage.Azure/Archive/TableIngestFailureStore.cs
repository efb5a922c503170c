using System.Text.Json;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Archive;

/// <summary>
/// Ingest failures in one Table partition, one row per archived payload (a later failure of the same payload
/// replaces the row). Failures are rare operator work items, so listing reads the partition and sorts newest first.
/// </summary>
public sealed class TableIngestFailureStore(TableClient table) : IIngestFailureStore
{
    private const string Partition = "failure";

    public async Task RecordAsync(IngestFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var entity = new TableEntity(Partition, TableKeys.Escape(failure.ArchiveId))
        {
            ["ArchiveId"] = failure.ArchiveId,
            ["Channel"] = failure.Channel,
            ["Kind"] = failure.Kind,
            ["Reason"] = failure.Reason,
            ["Errors"] = JsonSerializer.Serialize(failure.Errors),
            ["At"] = failure.At.ToUniversalTime(),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<IngestFailure>> ListAsync(string? channel, int limit, CancellationToken cancellationToken)
    {
        var filter = channel is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Channel eq {channel}");
        var failures = new List<IngestFailure>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            failures.Add(new IngestFailure
            {
                ArchiveId = row.GetString("ArchiveId"),
                Channel = row.GetString("Channel"),
                Kind = row.GetString("Kind"),
                Reason = row.GetString("Reason"),
                Errors = JsonSerializer.Deserialize<string[]>(row.GetString("Errors") ?? "[]") ?? [],
                At = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
            });
        }

        return failures.OrderByDescending(f => f.At).ThenByDescending(f => f.ArchiveId, StringComparer.Ordinal).Take(Math.Clamp(limit, 1, 1000)).ToList();
    }
}
