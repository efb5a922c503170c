using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>Orchestration work items: lock an instance with its visible messages and history, commit an episode.</summary>
public sealed partial class SqliteOrchestrationService
{
    private readonly ConcurrentQueue<SqliteOrchestrationWorkItem> _orchestrationBuffer = new();
    private readonly ConcurrentDictionary<string, int> _abandons = new(StringComparer.Ordinal);

    public async Task<TaskOrchestrationWorkItem?> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        await LockNextAsync(_orchestrationBuffer, "orchestration_messages", LockOrchestrationsAsync, _orchestrationWork, receiveTimeout, cancellationToken);

    /// <summary>Locks are held for the life of the process (its lease is what is renewed), so there is nothing to extend.</summary>
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage? continuedAsNewMessage,
        OrchestrationState? orchestrationState)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        var episode = new Episode(item, newOrchestrationRuntimeState, outboundMessages ?? [], orchestratorMessages ?? [], timerMessages ?? [], continuedAsNewMessage, orchestrationState)
        {
            // In an extended session the instance stays locked until the session ends, unless it just finished.
            KeepsLock = item.Session is not null && orchestrationState is not null && !TerminalStatuses.Contains(orchestrationState.OrchestrationStatus),
        };
        var oversized = episode.FindOversizedPayload(PayloadOverLimit);
        try
        {
            await _database.WriteAsync(async (connection, transaction) =>
            {
                await EnsureLockedAsync(connection, transaction, item.InstanceId);
                if (oversized is not null)
                {
                    await FailInstanceAsync(connection, transaction, item, oversized);
                }
                else
                {
                    await CommitEpisodeAsync(connection, transaction, episode);
                }

                return 0;
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidDataException)
        {
            throw new OrchestrationStoreException($"The episode of orchestration instance '{item.InstanceId}' was not saved (nothing of it was written): {ex.Message}", ex);
        }

        _abandons.TryRemove(item.InstanceId, out _);
        if (episode.KeepsLock && oversized is null)
        {
            // The session goes on with this state in memory: the next commit appends after what was just written.
            item.HistoryCount = newOrchestrationRuntimeState.Events.Count;
            item.ExecutionId = newOrchestrationRuntimeState.OrchestrationInstance?.ExecutionId ?? item.ExecutionId;
            item.MessageIds = [];
        }
        else
        {
            item.Settled = true;
        }

        if (oversized is not null)
        {
            Log.InstanceFailed(_logger, item.InstanceId, oversized);
        }

        // Always: besides what this episode queued, messages that reached the instance while it was locked are due now.
        _orchestrationWork.Notify();
        foreach (var message in episode.ToOrchestrations)
        {
            _sessionWakeups.Changed(message.OrchestrationInstance.InstanceId);
        }

        if (episode.Outbound.Count > 0)
        {
            _activityWork.Notify();
        }

        // Waiters only care about an instance finishing; waking them for every episode would cost a read each.
        if (oversized is not null || (orchestrationState is not null && TerminalStatuses.Contains(orchestrationState.OrchestrationStatus)))
        {
            _waiters.Changed(item.InstanceId);
        }
    }

    /// <summary>Hands the instance back with its messages, visible again after a growing delay (so a poison episode cannot spin).</summary>
    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        var delay = RetryDelayAfter(_abandons.AddOrUpdate(item.InstanceId, 1, (_, n) => n + 1));
        Log.Abandoned(_logger, item.InstanceId, delay);
        await _database.WriteAsync(async (connection, transaction) =>
        {
            await Sql.ExecuteAsync(connection, transaction, """
                UPDATE orchestration_messages SET visible_at = $visible WHERE id IN (SELECT value FROM json_each($ids));
                UPDATE instances SET lock_owner = NULL WHERE instance_id = $id AND lock_owner = $owner;
                """, CancellationToken.None,
                ("$visible", NowMs() + (long)delay.TotalMilliseconds), ("$ids", $"[{string.Join(',', item.MessageIds)}]"),
                ("$id", item.InstanceId), ("$owner", OwnerId));
            return 0;
        }, CancellationToken.None);
        item.Settled = true;
    }

    /// <summary>Completion and abandonment already unlock; this only unlocks a work item that was neither.</summary>
    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        if (item.Settled)
        {
            return;
        }

        item.Settled = true;
        await _database.WriteAsync(
            (connection, transaction) => Sql.ExecuteAsync(connection, transaction,
                "UPDATE instances SET lock_owner = NULL WHERE instance_id = $id AND lock_owner = $owner",
                CancellationToken.None, ("$id", item.InstanceId), ("$owner", OwnerId)),
            CancellationToken.None);
        _orchestrationWork.Notify();
    }

    private Task<List<SqliteOrchestrationWorkItem>> LockOrchestrationsAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var now = NowMs();
            var candidates = new List<(string InstanceId, OrchestrationStatus Status, string ExecutionId)>();
            // Oldest message first; the scan in id order stops at the batch size instead of grouping every waiting message.
            await using (var select = Sql.Command(connection, transaction, """
                SELECT DISTINCT i.instance_id, i.status, i.execution_id
                FROM orchestration_messages m
                JOIN instances i ON i.instance_id = m.instance_id
                WHERE m.visible_at <= $now
                  AND (i.lock_owner IS NULL
                       OR (i.lock_owner <> $owner AND i.lock_owner NOT IN (SELECT owner_id FROM workers WHERE expires_at > $now)))
                ORDER BY m.id
                LIMIT $limit
                """, ("$now", now), ("$limit", _options.LockBatchSize), ("$owner", OwnerId)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    candidates.Add((reader.GetString(0), (OrchestrationStatus)reader.GetInt32(1), reader.GetString(2)));
                }
            }

            var items = new List<SqliteOrchestrationWorkItem>(candidates.Count);
            foreach (var (instanceId, status, executionId) in candidates)
            {
                if (TerminalStatuses.Contains(status))
                {
                    // Activity results, timers and events that reach a finished instance have nobody to go to.
                    var dropped = await Sql.ExecuteAsync(connection, transaction,
                        "DELETE FROM orchestration_messages WHERE instance_id = $id AND visible_at <= $now",
                        cancellationToken, ("$id", instanceId), ("$now", now));
                    Log.DroppedMessages(_logger, dropped, instanceId, $"the instance is {status}");
                    continue;
                }

                if (await TryLoadWorkItemAsync(connection, transaction, instanceId, executionId, now, cancellationToken) is { } item)
                {
                    items.Add(item);
                }
            }

            return items;
        }, cancellationToken);

    private async Task<SqliteOrchestrationWorkItem?> TryLoadWorkItemAsync(
        SqliteConnection connection, SqliteTransaction transaction, string instanceId, string executionId, long now, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var messages = new List<TaskMessage>();
        var history = new List<HistoryEvent>();
        try
        {
            await using (var command = Sql.Command(connection, transaction,
                "SELECT id, execution_id, event_type, payload FROM orchestration_messages WHERE instance_id = $id AND visible_at <= $now ORDER BY id",
                ("$id", instanceId), ("$now", now)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                    messages.Add(ReadMessage(instanceId, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
                }
            }

            await using (var command = Sql.Command(connection, transaction,
                "SELECT event_type, payload FROM history WHERE instance_id = $id ORDER BY sequence", ("$id", instanceId)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    history.Add(HistoryEventJson.Deserialize(reader.GetInt32(0), reader.GetString(1)));
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or Newtonsoft.Json.JsonException)
        {
            // A damaged row stops this instance only: it is marked failed with the reason, the others go on.
            var reason = $"its stored history or messages cannot be read: {ex.Message}";
            await Sql.ExecuteAsync(connection, transaction, """
                UPDATE instances SET status = $failed, last_updated_at = $now, completed_at = $now, output = $reason, lock_owner = NULL
                WHERE instance_id = $id
                """, cancellationToken, ("$failed", (int)OrchestrationStatus.Failed), ("$now", now), ("$reason", reason), ("$id", instanceId));
            Log.InstanceFailed(_logger, instanceId, reason);
            return null;
        }

        await Sql.ExecuteAsync(connection, transaction, "UPDATE instances SET lock_owner = $owner WHERE instance_id = $id",
            cancellationToken, ("$owner", OwnerId), ("$id", instanceId));
        var item = new SqliteOrchestrationWorkItem
        {
            InstanceId = instanceId,
            NewMessages = messages,
            OrchestrationRuntimeState = new OrchestrationRuntimeState(history),
            LockedUntilUtc = DateTime.MaxValue,
            MessageIds = ids,
            ExecutionId = executionId,
            HistoryCount = history.Count,
        };
        item.Session = _options.ExtendedSessionIdleTimeout > TimeSpan.Zero ? new Session(this, item) : null;
        return item;
    }

    private async Task EnsureLockedAsync(SqliteConnection connection, SqliteTransaction transaction, string instanceId)
    {
        var owner = await Sql.ScalarAsync(connection, transaction, "SELECT lock_owner FROM instances WHERE instance_id = $id",
            CancellationToken.None, ("$id", instanceId));
        if (!string.Equals(owner as string, OwnerId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The lock on orchestration instance '{instanceId}' is no longer this process's (its lease lapsed or the instance was purged); the episode will run again.");
        }
    }

    private async Task CommitEpisodeAsync(SqliteConnection connection, SqliteTransaction transaction, Episode episode)
    {
        var item = episode.WorkItem;
        var now = NowMs();
        if (episode.State is { } state)
        {
            await WriteHistoryAsync(connection, transaction, item, episode.RuntimeState);
            await WriteInstanceStatusAsync(connection, transaction, item.InstanceId, state, now, episode.KeepsLock);
        }
        else if (!episode.KeepsLock)
        {
            await Sql.ExecuteAsync(connection, transaction, "UPDATE instances SET lock_owner = NULL WHERE instance_id = $id",
                CancellationToken.None, ("$id", item.InstanceId));
        }

        await Sql.ExecuteAsync(connection, transaction, "DELETE FROM orchestration_messages WHERE id IN (SELECT value FROM json_each($ids))",
            CancellationToken.None, ("$ids", $"[{string.Join(',', item.MessageIds)}]"));

        foreach (var message in episode.Outbound)
        {
            await InsertActivityMessageAsync(connection, transaction, message, now);
        }

        foreach (var message in episode.Timers)
        {
            var fireAt = message.Event is TimerFiredEvent timer ? ToMs(timer.FireAt) : now;
            await InsertOrchestrationMessageAsync(connection, transaction, message, fireAt);
        }

        foreach (var message in episode.ToOrchestrations)
        {
            await SendFromEpisodeAsync(connection, transaction, item.InstanceId, message, now);
        }

        if (episode.ContinuedAsNew is { } next)
        {
            await InsertOrchestrationMessageAsync(connection, transaction, next, now);
        }
    }

    private async Task SendFromEpisodeAsync(SqliteConnection connection, SqliteTransaction transaction, string fromInstanceId, TaskMessage message, long now)
    {
        var target = message.OrchestrationInstance.InstanceId;
        if (message.Event is ExecutionStartedEvent start)
        {
            // A sub-orchestration: started like a client start; a running namesake keeps running and the start is dropped.
            if (await TryStartInstanceAsync(connection, transaction, start, RunningStatuses, now) is { } existing)
            {
                Log.DroppedMessages(_logger, 1, target, $"sub-orchestration start from '{fromInstanceId}' for an instance that is {existing}");
                return;
            }

            var visibleAt = start.ScheduledStartTime is { } at ? Math.Max(now, ToMs(at)) : now;
            await InsertOrchestrationMessageAsync(connection, transaction, message, visibleAt);
            return;
        }

        if (!await InsertForExistingInstanceAsync(connection, transaction, message, now))
        {
            Log.DroppedMessages(_logger, 1, target, $"{message.Event.EventType} from '{fromInstanceId}' for an instance that does not exist");
        }
    }

    private static async Task WriteHistoryAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteOrchestrationWorkItem item, OrchestrationRuntimeState runtimeState)
    {
        var executionId = runtimeState.OrchestrationInstance?.ExecutionId ?? item.ExecutionId;
        var events = runtimeState.Events;
        var first = item.HistoryCount;
        if (!string.Equals(executionId, item.ExecutionId, StringComparison.Ordinal))
        {
            // ContinueAsNew: the new execution's history replaces the old one's.
            await Sql.ExecuteAsync(connection, transaction, "DELETE FROM history WHERE instance_id = $id", CancellationToken.None, ("$id", item.InstanceId));
            first = 0;
        }

        await using var insert = Sql.Command(connection, transaction, """
            INSERT INTO history (instance_id, sequence, execution_id, event_type, payload) VALUES ($id, $seq, $execution, $type, $payload)
            """, ("$id", item.InstanceId), ("$seq", 0), ("$execution", executionId), ("$type", 0), ("$payload", string.Empty));
        for (var sequence = first; sequence < events.Count; sequence++)
        {
            insert.Parameters["$seq"].Value = sequence;
            insert.Parameters["$type"].Value = (int)events[sequence].EventType;
            insert.Parameters["$payload"].Value = HistoryEventJson.Serialize(events[sequence]);
            await insert.ExecuteNonQueryAsync();
        }
    }

    private Task<int> WriteInstanceStatusAsync(SqliteConnection connection, SqliteTransaction transaction, string instanceId, OrchestrationState state, long now, bool keepLock) =>
        Sql.ExecuteAsync(connection, transaction, """
            UPDATE instances SET execution_id = $execution, name = $name, version = $version, status = $status,
                created_at = $created, last_updated_at = $now, completed_at = $completed, input = $input, output = $output,
                custom_status = $custom, failure_details = $failure, tags = $tags, lock_owner = $lock
            WHERE instance_id = $id
            """, CancellationToken.None,
            ("$id", instanceId), ("$lock", keepLock ? OwnerId : null), ("$execution", state.OrchestrationInstance?.ExecutionId), ("$name", state.Name), ("$version", state.Version),
            ("$status", (int)state.OrchestrationStatus), ("$created", state.CreatedTime == default ? now : ToMs(state.CreatedTime)), ("$now", now),
            ("$completed", TerminalStatuses.Contains(state.OrchestrationStatus) ? now : null),
            ("$input", state.Input), ("$output", state.Output), ("$custom", state.Status),
            ("$failure", state.FailureDetails is { } failure ? HistoryEventJson.SerializeValue(failure) : null),
            ("$tags", state.Tags is { Count: > 0 } tags ? HistoryEventJson.SerializeValue(tags) : null));

    /// <summary>
    /// An episode produced a payload over the limit: none of it is written. The instance is failed with the reason
    /// instead, its consumed messages removed, and a parent orchestration is told, so nothing waits for ever.
    /// </summary>
    private async Task FailInstanceAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteOrchestrationWorkItem item, string reason)
    {
        var now = NowMs();
        var failure = new FailureDetails("OrchestrationPayloadTooLarge", reason, stackTrace: null, innerFailure: null, isNonRetriable: true);
        await Sql.ExecuteAsync(connection, transaction, """
            UPDATE instances SET status = $failed, last_updated_at = $now, completed_at = $now, output = $reason, failure_details = $failure, lock_owner = NULL
            WHERE instance_id = $id;
            DELETE FROM orchestration_messages WHERE id IN (SELECT value FROM json_each($ids));
            """, CancellationToken.None,
            ("$failed", (int)OrchestrationStatus.Failed), ("$now", now), ("$reason", reason),
            ("$failure", HistoryEventJson.SerializeValue(failure)), ("$id", item.InstanceId), ("$ids", $"[{string.Join(',', item.MessageIds)}]"));

        var start = item.OrchestrationRuntimeState.ExecutionStartedEvent;
        if (start?.ParentInstance is { } parent)
        {
            var toParent = new TaskMessage
            {
                OrchestrationInstance = parent.OrchestrationInstance,
                Event = new SubOrchestrationInstanceFailedEvent(-1, parent.TaskScheduleId, reason, details: null, failure),
            };
            await InsertForExistingInstanceAsync(connection, transaction, toParent, now);
        }
    }
}
