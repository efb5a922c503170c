using System.Text;
using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.Data.Sqlite;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>Listing instances (the query client) and deleting finished ones (the purge client).</summary>
public sealed partial class SqliteOrchestrationService : IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    private const string InstanceColumns =
        "instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at, input, output, custom_status, failure_details, tags, parent_instance_id, scheduled_start_at";

    /// <summary>Pages through instances in instance-id order; the continuation token is the last id of the page.</summary>
    public async Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {InstanceColumns} FROM instances WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        if (query.RuntimeStatus is { Count: > 0 } statuses)
        {
            sql.Append(" AND status IN (SELECT value FROM json_each($statuses))");
            parameters.Add(("$statuses", $"[{string.Join(',', statuses.Select(s => (int)s))}]"));
        }

        if (query.CreatedTimeFrom is { } from)
        {
            sql.Append(" AND created_at >= $from");
            parameters.Add(("$from", ToMs(from)));
        }

        if (query.CreatedTimeTo is { } to)
        {
            sql.Append(" AND created_at <= $to");
            parameters.Add(("$to", ToMs(to)));
        }

        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            sql.Append(" AND substr(instance_id, 1, length($prefix)) = $prefix");
            parameters.Add(("$prefix", query.InstanceIdPrefix));
        }

        if (!string.IsNullOrEmpty(query.ContinuationToken))
        {
            sql.Append(" AND instance_id > $after");
            parameters.Add(("$after", query.ContinuationToken));
        }

        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        sql.Append(" ORDER BY instance_id LIMIT $limit");
        parameters.Add(("$limit", pageSize));

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Sql.Command(connection, null, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<OrchestrationState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(ReadState(reader, query.FetchInputsAndOutputs));
        }

        var continuation = states.Count == pageSize ? states[^1].OrchestrationInstance.InstanceId : null;
        return new OrchestrationQueryResult(states, continuation);
    }

    /// <summary>Deletes a finished instance with its history and messages; a running one is left alone (0 deleted).</summary>
    public async Task<PurgeResult> PurgeInstanceStateAsync(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var deleted = await WriteAsync(instanceId, (connection, transaction) =>
            PurgeWhereAsync(connection, transaction, "instance_id = $id", ("$id", instanceId)));
        return new PurgeResult(deleted);
    }

    /// <summary>Deletes finished instances created in the filter's range (and with one of its statuses, when given).</summary>
    public async Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter)
    {
        ArgumentNullException.ThrowIfNull(purgeInstanceFilter);
        var statuses = purgeInstanceFilter.RuntimeStatus?.ToArray() is { Length: > 0 } given ? given : TerminalStatuses;
        var deleted = await WriteAsync("(purge filter)", (connection, transaction) => PurgeWhereAsync(connection, transaction,
            "created_at >= $from AND ($to IS NULL OR created_at <= $to) AND status IN (SELECT value FROM json_each($statuses))",
            ("$from", ToMs(purgeInstanceFilter.CreatedTimeFrom)),
            ("$to", purgeInstanceFilter.CreatedTimeTo is { } to ? ToMs(to) : null),
            ("$statuses", $"[{string.Join(',', statuses.Select(s => (int)s))}]")));
        return new PurgeResult(deleted);
    }

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType)
    {
        var column = timeRangeFilterType switch
        {
            OrchestrationStateTimeRangeFilterType.OrchestrationCreatedTimeFilter => "created_at",
            OrchestrationStateTimeRangeFilterType.OrchestrationCompletedTimeFilter => "completed_at",
            _ => "last_updated_at",
        };
        return WriteAsync("(purge by age)", (connection, transaction) =>
            PurgeWhereAsync(connection, transaction, $"{column} < $threshold", ("$threshold", ToMs(thresholdDateTimeUtc))));
    }

    /// <summary>Deletes the finished instances matching <paramref name="where"/> and everything stored for them.</summary>
    private static async Task<int> PurgeWhereAsync(SqliteConnection connection, SqliteTransaction transaction, string where, params (string, object?)[] parameters)
    {
        var terminal = $"[{string.Join(',', TerminalStatuses.Select(s => (int)s))}]";
        await Sql.ExecuteAsync(connection, transaction, $"""
            CREATE TEMP TABLE IF NOT EXISTS purge_ids (instance_id TEXT PRIMARY KEY);
            DELETE FROM purge_ids;
            INSERT INTO purge_ids SELECT instance_id FROM instances
            WHERE {where} AND status IN (SELECT value FROM json_each($terminal));
            DELETE FROM history WHERE instance_id IN (SELECT instance_id FROM purge_ids);
            DELETE FROM orchestration_messages WHERE instance_id IN (SELECT instance_id FROM purge_ids);
            DELETE FROM activity_messages WHERE instance_id IN (SELECT instance_id FROM purge_ids);
            """, CancellationToken.None, [.. parameters, ("$terminal", terminal)]);
        return await Sql.ExecuteAsync(connection, transaction, "DELETE FROM instances WHERE instance_id IN (SELECT instance_id FROM purge_ids)",
            CancellationToken.None);
    }

    private static OrchestrationState ReadState(SqliteDataReader reader, bool withPayloads)
    {
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
        var parentId = Text(13);
        return new OrchestrationState
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = reader.GetString(0), ExecutionId = reader.GetString(1) },
            Name = reader.GetString(2),
            Version = Text(3) ?? string.Empty,
            OrchestrationStatus = (OrchestrationStatus)reader.GetInt32(4),
            CreatedTime = FromMs(reader.GetInt64(5)),
            LastUpdatedTime = FromMs(reader.GetInt64(6)),
            CompletedTime = reader.IsDBNull(7) ? default : FromMs(reader.GetInt64(7)),
            Input = withPayloads ? Text(8) : null,
            Output = withPayloads ? Text(9) : null,
            Status = withPayloads ? Text(10) : null,
            FailureDetails = HistoryEventJson.DeserializeValue<FailureDetails>(Text(11)),
            Tags = HistoryEventJson.DeserializeValue<Dictionary<string, string>>(Text(12)),
            ParentInstance = parentId is null ? null : new ParentInstance { OrchestrationInstance = new OrchestrationInstance { InstanceId = parentId } },
            ScheduledStartTime = reader.IsDBNull(14) ? null : FromMs(reader.GetInt64(14)),
        };
    }
}
