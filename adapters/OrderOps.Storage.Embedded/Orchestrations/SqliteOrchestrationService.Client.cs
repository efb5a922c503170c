using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>The client side: start, signal, terminate, wait for and read instances.</summary>
public sealed partial class SqliteOrchestrationService
{
    /// <summary>Bounds how late a waiter notices a change written by another process (changes in this one wake it at once).</summary>
    private static readonly TimeSpan WaitPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts an instance; one that is pending, running or suspended is never replaced.</summary>
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => CreateTaskOrchestrationAsync(creationMessage, RunningStatuses);

    /// <summary>
    /// Starts an instance, or reuses the id of a finished one. Throws <see cref="OrchestrationAlreadyExistsException"/>
    /// when the instance exists with a status in <paramref name="dedupeStatuses"/> (null: pending, running, suspended)
    /// or is still running: an instance id is one orchestration at a time.
    /// </summary>
    public async Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[]? dedupeStatuses)
    {
        ArgumentNullException.ThrowIfNull(creationMessage);
        if (creationMessage.Event is not ExecutionStartedEvent start)
        {
            throw new ArgumentException("A creation message carries an ExecutionStartedEvent.", nameof(creationMessage));
        }

        var instanceId = creationMessage.OrchestrationInstance?.InstanceId;
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId, "creationMessage.OrchestrationInstance.InstanceId");
        EnsurePayloadFits(instanceId, "input", start.Input);
        var existing = await WriteAsync(instanceId, async (connection, transaction) =>
        {
            var now = NowMs();
            if (await TryStartInstanceAsync(connection, transaction, start, dedupeStatuses ?? RunningStatuses, now) is { } status)
            {
                return (OrchestrationStatus?)status;
            }

            var visibleAt = start.ScheduledStartTime is { } at ? Math.Max(now, ToMs(at)) : now;
            await InsertOrchestrationMessageAsync(connection, transaction, creationMessage, visibleAt);
            return null;
        });
        if (existing is { } current)
        {
            throw new OrchestrationAlreadyExistsException($"An orchestration with instance id '{instanceId}' already exists and is {current}.");
        }

        _orchestrationWork.Notify();
        _waiters.Changed(instanceId);
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => SendTaskOrchestrationMessageBatchAsync(message);

    /// <summary>Queues events (raised events, terminations, ...) for existing instances; ones for unknown instances are dropped and logged.</summary>
    public async Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Length == 0)
        {
            return;
        }

        foreach (var message in messages)
        {
            var instanceId = message.OrchestrationInstance?.InstanceId;
            ArgumentException.ThrowIfNullOrWhiteSpace(instanceId, "message.OrchestrationInstance.InstanceId");
            if (message.Event is EventRaisedEvent raised)
            {
                EnsurePayloadFits(instanceId, $"event '{raised.Name}'", raised.Input);
            }
        }

        var undelivered = await WriteAsync(messages[0].OrchestrationInstance.InstanceId, async (connection, transaction) =>
        {
            var missing = new List<TaskMessage>();
            foreach (var message in messages)
            {
                if (!await InsertForExistingInstanceAsync(connection, transaction, message, NowMs()))
                {
                    missing.Add(message);
                }
            }

            return missing;
        });
        foreach (var message in undelivered)
        {
            Log.DroppedMessages(_logger, 1, message.OrchestrationInstance.InstanceId, $"{message.Event.EventType} for an instance that does not exist");
        }

        foreach (var message in messages)
        {
            _sessionWakeups.Changed(message.OrchestrationInstance.InstanceId);
        }

        _orchestrationWork.Notify();
    }

    /// <summary>Terminates a running instance at its next episode (a message, so it is ordered with the others).</summary>
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionTerminatedEvent(-1, reason),
        });
    }

    /// <summary>
    /// Waits until the instance (the given execution, or the latest) reaches a final status; null if
    /// <paramref name="timeout"/> passes first. ContinuedAsNew is not final when no execution id is given.
    /// </summary>
    public async Task<OrchestrationState?> WaitForOrchestrationAsync(string instanceId, string? executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout < TimeSpan.FromDays(1))
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            while (true)
            {
                var change = _waiters.NextChange(instanceId);
                var state = await GetOrchestrationStateAsync(instanceId, executionId);
                if (state is not null && TerminalStatuses.Contains(state.OrchestrationStatus))
                {
                    return state;
                }

                await Task.WhenAny(change, Task.Delay(WaitPollInterval, _time, deadline.Token));
                deadline.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return await GetOrchestrationStateAsync(instanceId, executionId: null) is { } state ? [state] : [];
    }

    /// <summary>The instance's status; only its current execution is kept (ContinueAsNew replaces the previous one).</summary>
    public async Task<OrchestrationState?> GetOrchestrationStateAsync(string instanceId, string? executionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = Sql.Command(connection, null, $"SELECT {InstanceColumns} FROM instances WHERE instance_id = $id", ("$id", instanceId));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var state = ReadState(reader, withPayloads: true);
        return executionId is null || string.Equals(executionId, state.OrchestrationInstance.ExecutionId, StringComparison.Ordinal) ? state : null;
    }

    /// <summary>The current execution's history as a JSON array of DurableTask.Core history events.</summary>
    public async Task<string> GetOrchestrationHistoryAsync(string instanceId, string? executionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = Sql.Command(connection, null, """
            SELECT event_type, payload FROM history WHERE instance_id = $id AND ($execution IS NULL OR execution_id = $execution) ORDER BY sequence
            """, ("$id", instanceId), ("$execution", executionId));
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<HistoryEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(HistoryEventJson.Deserialize(reader.GetInt32(0), reader.GetString(1)));
        }

        return JsonConvert.SerializeObject(events);
    }

    /// <summary>Runs a client write; SQLite failures become an <see cref="OrchestrationStoreException"/> naming the instance.</summary>
    private async Task<T> WriteAsync<T>(string instanceId, Func<SqliteConnection, SqliteTransaction, Task<T>> work)
    {
        try
        {
            return await _database.WriteAsync(work, CancellationToken.None);
        }
        catch (SqliteException ex)
        {
            throw new OrchestrationStoreException($"The request for orchestration instance '{instanceId}' was not saved (nothing was written): {ex.Message}", ex);
        }
    }
}
