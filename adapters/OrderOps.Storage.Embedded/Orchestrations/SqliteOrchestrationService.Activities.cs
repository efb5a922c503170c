using System.Collections.Concurrent;
using System.Globalization;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>Activity work items: locked by this process until completed, abandoned, or its lease lapses; at least once.</summary>
public sealed partial class SqliteOrchestrationService
{
    private readonly ConcurrentQueue<TaskActivityWorkItem> _activityBuffer = new();

    public async Task<TaskActivityWorkItem?> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        await LockNextAsync(_activityBuffer, "activity_messages", LockActivitiesAsync, _activityWork, receiveTimeout, cancellationToken);

    /// <summary>
    /// Confirms the item is still this process's (its lease is what keeps it) and reports the lock until the lease's
    /// next expiry. Throws when another process took it after this one's lease lapsed.
    /// </summary>
    public async Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        var owner = await Sql.ScalarAsync(connection, null, "SELECT lock_owner FROM activity_messages WHERE id = $id",
            CancellationToken.None, ("$id", long.Parse(workItem.Id, CultureInfo.InvariantCulture)));
        if (!string.Equals(owner as string, OwnerId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The lock on activity work item {workItem.Id} of instance '{workItem.TaskMessage.OrchestrationInstance.InstanceId}' is no longer this process's.");
        }

        workItem.LockedUntilUtc = _time.GetUtcNow().UtcDateTime + _options.WorkerLeaseDuration;
        return workItem;
    }

    /// <summary>
    /// Removes the work item and queues its result for the orchestration in one transaction. A result over the
    /// payload limit is replaced by a failure that says so, which the orchestration sees like any activity failure.
    /// </summary>
    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(responseMessage);
        var instanceId = workItem.TaskMessage.OrchestrationInstance.InstanceId;
        var response = ReplaceOversizedResult(instanceId, workItem, responseMessage);
        var delivered = false;
        try
        {
            delivered = await _database.WriteAsync(async (connection, transaction) =>
            {
                var deleted = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM activity_messages WHERE id = $id AND lock_owner = $owner",
                    CancellationToken.None, ("$id", long.Parse(workItem.Id, CultureInfo.InvariantCulture)), ("$owner", OwnerId));
                if (deleted == 0)
                {
                    throw new InvalidOperationException(
                        $"The lock on activity work item {workItem.Id} of instance '{instanceId}' is no longer this process's; its result is dropped and the activity runs again.");
                }

                return await InsertForExistingInstanceAsync(connection, transaction, response, NowMs());
            }, CancellationToken.None);
        }
        catch (SqliteException ex)
        {
            throw new OrchestrationStoreException($"The activity result for orchestration instance '{instanceId}' was not saved: {ex.Message}", ex);
        }

        if (delivered)
        {
            _sessionWakeups.Changed(instanceId);
            _orchestrationWork.Notify();
        }
        else
        {
            Log.DroppedMessages(_logger, 1, instanceId, "activity result for an instance that no longer exists");
        }
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var delay = RetryDelayAfter((int)Math.Min(workItem.DeliveryAttempt ?? 1, int.MaxValue));
        Log.Abandoned(_logger, workItem.TaskMessage.OrchestrationInstance.InstanceId, delay);
        await _database.WriteAsync(
            (connection, transaction) => Sql.ExecuteAsync(connection, transaction,
                "UPDATE activity_messages SET lock_owner = NULL, visible_at = $visible WHERE id = $id AND lock_owner = $owner",
                CancellationToken.None, ("$visible", NowMs() + (long)delay.TotalMilliseconds),
                ("$id", long.Parse(workItem.Id, CultureInfo.InvariantCulture)), ("$owner", OwnerId)),
            CancellationToken.None);
    }

    private TaskMessage ReplaceOversizedResult(string instanceId, TaskActivityWorkItem workItem, TaskMessage response)
    {
        if (response.Event is not TaskCompletedEvent completed || PayloadOverLimit(completed.Result) is not { } bytes)
        {
            return response;
        }

        var name = (workItem.TaskMessage.Event as TaskScheduledEvent)?.Name;
        var reason = $"The result of activity '{name}' in orchestration instance '{instanceId}' is {bytes} bytes, over the configured limit of {_options.MaxPayloadBytes} bytes.";
        Log.InstanceFailed(_logger, instanceId, reason);
        return new TaskMessage
        {
            OrchestrationInstance = response.OrchestrationInstance,
            Event = new TaskFailedEvent(-1, completed.TaskScheduledId, reason, details: null,
                new FailureDetails("OrchestrationPayloadTooLarge", reason, stackTrace: null, innerFailure: null, isNonRetriable: true)),
        };
    }

    private Task<List<TaskActivityWorkItem>> LockActivitiesAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var now = NowMs();
            await using var command = Sql.Command(connection, transaction, """
                UPDATE activity_messages SET lock_owner = $owner, dequeue_count = dequeue_count + 1
                WHERE id IN (
                    SELECT id FROM activity_messages
                    WHERE visible_at <= $now
                      AND (lock_owner IS NULL OR (lock_owner <> $owner AND lock_owner NOT IN (SELECT owner_id FROM workers WHERE expires_at > $now)))
                    ORDER BY visible_at, id LIMIT $limit)
                RETURNING id, instance_id, execution_id, payload, dequeue_count
                """, ("$owner", OwnerId), ("$now", now), ("$limit", _options.LockBatchSize));
            var items = new List<TaskActivityWorkItem>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var message = ReadMessage(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), (int)EventType.TaskScheduled, reader.GetString(3));
                items.Add(new TaskActivityWorkItem
                {
                    Id = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                    TaskMessage = message,
                    LockedUntilUtc = FromMs(now) + _options.WorkerLeaseDuration,
                    DeliveryAttempt = reader.GetInt32(4),
                });
            }

            items.Sort((a, b) => long.Parse(a.Id, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.Id, CultureInfo.InvariantCulture)));
            return items;
        }, cancellationToken);
}
