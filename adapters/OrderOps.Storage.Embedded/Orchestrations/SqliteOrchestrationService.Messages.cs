using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>Writing messages and starting instances, inside a caller's write transaction.</summary>
public sealed partial class SqliteOrchestrationService
{
    private static readonly OrchestrationStatus[] TerminalStatuses =
        [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled];

    /// <summary>
    /// Starts the instance of <paramref name="start"/>: inserts it, or resets a finished one (new execution, history
    /// cleared) unless its status is in <paramref name="dedupeStatuses"/>. Returns the existing status when it was
    /// not started, null when it was.
    /// </summary>
    private static async Task<OrchestrationStatus?> TryStartInstanceAsync(
        SqliteConnection connection, SqliteTransaction transaction, ExecutionStartedEvent start, OrchestrationStatus[] dedupeStatuses, long nowMs)
    {
        var instance = start.OrchestrationInstance;
        var existing = await Sql.ScalarAsync(connection, transaction, "SELECT status FROM instances WHERE instance_id = $id",
            CancellationToken.None, ("$id", instance.InstanceId));
        if (existing is long status)
        {
            var current = (OrchestrationStatus)status;
            if (dedupeStatuses.Contains(current) || !TerminalStatuses.Contains(current))
            {
                return current;
            }

            // A finished instance is reused: its old execution's history and stray messages go with it.
            await Sql.ExecuteAsync(connection, transaction, """
                DELETE FROM history WHERE instance_id = $id;
                DELETE FROM orchestration_messages WHERE instance_id = $id;
                DELETE FROM activity_messages WHERE instance_id = $id;
                DELETE FROM instances WHERE instance_id = $id;
                """, CancellationToken.None, ("$id", instance.InstanceId));
        }

        await Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO instances (instance_id, execution_id, name, version, status, created_at, last_updated_at, input, tags,
                                   parent_instance_id, scheduled_start_at)
            VALUES ($id, $execution, $name, $version, $status, $now, $now, $input, $tags, $parent, $scheduled)
            """, CancellationToken.None,
            ("$id", instance.InstanceId), ("$execution", instance.ExecutionId), ("$name", start.Name), ("$version", start.Version),
            ("$status", (int)OrchestrationStatus.Pending), ("$now", nowMs), ("$input", start.Input),
            ("$tags", start.Tags is { Count: > 0 } tags ? HistoryEventJson.SerializeValue(tags) : null),
            ("$parent", start.ParentInstance?.OrchestrationInstance?.InstanceId),
            ("$scheduled", start.ScheduledStartTime is { } at ? ToMs(at) : null));
        return null;
    }

    /// <summary>Queues a message for an orchestration instance, visible from <paramref name="visibleAtMs"/>.</summary>
    private static Task<int> InsertOrchestrationMessageAsync(SqliteConnection connection, SqliteTransaction transaction, TaskMessage message, long visibleAtMs) =>
        Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO orchestration_messages (instance_id, execution_id, event_type, payload, visible_at)
            VALUES ($id, $execution, $type, $payload, $visible)
            """, CancellationToken.None,
            ("$id", message.OrchestrationInstance.InstanceId), ("$execution", NullIfEmpty(message.OrchestrationInstance.ExecutionId)),
            ("$type", (int)message.Event.EventType), ("$payload", HistoryEventJson.Serialize(message.Event)), ("$visible", visibleAtMs));

    /// <summary>Queues a message for an instance that exists; returns false (and writes nothing) when it does not.</summary>
    private static async Task<bool> InsertForExistingInstanceAsync(SqliteConnection connection, SqliteTransaction transaction, TaskMessage message, long visibleAtMs)
    {
        var exists = await Sql.ScalarAsync(connection, transaction, "SELECT 1 FROM instances WHERE instance_id = $id",
            CancellationToken.None, ("$id", message.OrchestrationInstance.InstanceId));
        if (exists is null)
        {
            return false;
        }

        await InsertOrchestrationMessageAsync(connection, transaction, message, visibleAtMs);
        return true;
    }

    private static Task<int> InsertActivityMessageAsync(SqliteConnection connection, SqliteTransaction transaction, TaskMessage message, long visibleAtMs) =>
        Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO activity_messages (instance_id, execution_id, payload, visible_at) VALUES ($id, $execution, $payload, $visible)
            """, CancellationToken.None,
            ("$id", message.OrchestrationInstance.InstanceId), ("$execution", NullIfEmpty(message.OrchestrationInstance.ExecutionId)),
            ("$payload", HistoryEventJson.Serialize(message.Event)), ("$visible", visibleAtMs));

    private static TaskMessage ReadMessage(string instanceId, string? executionId, int eventType, string payload) => new()
    {
        OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = executionId },
        Event = HistoryEventJson.Deserialize(eventType, payload),
    };

    private static long ToMs(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static DateTime FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
