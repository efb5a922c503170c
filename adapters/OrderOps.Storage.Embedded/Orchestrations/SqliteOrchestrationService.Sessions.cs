using DurableTask.Core;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// Extended sessions: after an episode commits, the instance stays locked by this process and its orchestration stays
/// in memory for <see cref="SqliteOrchestrationOptions.ExtendedSessionIdleTimeout"/>; messages that reach it meanwhile
/// (an activity's result, an event) run at once against that state. DurableTask.Core then resumes the orchestrator
/// where it stopped instead of reading the history back and replaying it, which is most of an episode's cost; the
/// same mechanism <c>AzureStorageOrchestrationService</c> offers as <c>ExtendedSessionsEnabled</c>.
/// </summary>
/// <remarks>
/// Durability is unchanged: every episode still commits before its messages go out, and the lock is the process's
/// lease as always, so a killed process loses only the in-memory copy; its instances are read back from the file
/// after the lease lapses. An idle session ends after the timeout and hands the lock back.
/// </remarks>
public sealed partial class SqliteOrchestrationService
{
    /// <summary>Wakes an instance's waiting session when a message for it is committed in this process.</summary>
    private readonly InstanceWaiters _sessionWakeups = new();

    private async Task<IList<TaskMessage>?> FetchSessionMessagesAsync(SqliteOrchestrationWorkItem item)
    {
        var deadline = _time.GetUtcNow() + _options.ExtendedSessionIdleTimeout;
        while (!item.Settled && _heartbeat is not null && Volatile.Read(ref _disposed) == 0)
        {
            // Registered before the read, so a message committed between the read and the wait still wakes it.
            var wakeup = _sessionWakeups.NextChange(item.InstanceId);
            var (ids, messages) = await ReadVisibleMessagesAsync(item.InstanceId);
            if (messages.Count > 0)
            {
                item.MessageIds = ids;
                return messages;
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            // Still poll: timers become visible by the clock, not by a commit.
            await Task.WhenAny(wakeup, Task.Delay(remaining < _options.PollInterval ? remaining : _options.PollInterval, _time));
        }

        return null;
    }

    private async Task<(List<long> Ids, List<TaskMessage> Messages)> ReadVisibleMessagesAsync(string instanceId)
    {
        var ids = new List<long>();
        var messages = new List<TaskMessage>();
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = Sql.Command(connection, null,
            "SELECT id, execution_id, event_type, payload FROM orchestration_messages WHERE instance_id = $id AND visible_at <= $now ORDER BY id",
            ("$id", instanceId), ("$now", NowMs()));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
            messages.Add(ReadMessage(instanceId, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return (ids, messages);
    }

    private sealed class Session(SqliteOrchestrationService service, SqliteOrchestrationWorkItem item) : IOrchestrationSession
    {
        public Task<IList<TaskMessage>?> FetchNewOrchestrationMessagesAsync(TaskOrchestrationWorkItem workItem) => service.FetchSessionMessagesAsync(item);

        /// <summary>Hands the lock back (as a release does); messages that arrived after the last look go to the dispatcher.</summary>
        public Task EndSessionAsync() => service.ReleaseTaskOrchestrationWorkItemAsync(item);
    }
}
