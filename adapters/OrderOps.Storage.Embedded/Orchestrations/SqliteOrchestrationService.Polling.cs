using System.Collections.Concurrent;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>How both dispatchers wait for work: a buffer of locked items, a cheap look, a batch lock, the signal.</summary>
public sealed partial class SqliteOrchestrationService
{
    /// <summary>
    /// Hands out a locked work item: one already in <paramref name="buffer"/>, or a new batch locked in one transaction
    /// when a read shows visible rows in <paramref name="table"/>; otherwise waits for <paramref name="signal"/> or the
    /// poll interval and looks again, until <paramref name="receiveTimeout"/> (then null, as DurableTask.Core expects).
    /// </summary>
    private async Task<T?> LockNextAsync<T>(
        ConcurrentQueue<T> buffer, string table, Func<CancellationToken, Task<List<T>>> lockBatch, WorkSignal signal,
        TimeSpan receiveTimeout, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = _time.GetUtcNow() + receiveTimeout;
        while (true)
        {
            if (buffer.TryDequeue(out var buffered))
            {
                return buffered;
            }

            if (await HasVisibleAsync(table, cancellationToken) && await lockBatch(cancellationToken) is { Count: > 0 } locked)
            {
                foreach (var item in locked)
                {
                    buffer.Enqueue(item);
                }

                continue;
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            try
            {
                await signal.WaitAsync(remaining < _options.PollInterval ? remaining : _options.PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// A cheap read first, so an idle poll costs no write transaction. Messages for instances this process holds (in a
    /// session) do not count: the session takes them, and a lock attempt could not.
    /// </summary>
    private async Task<bool> HasVisibleAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var sql = table == "orchestration_messages"
            ? """
              SELECT EXISTS (SELECT 1 FROM orchestration_messages m JOIN instances i ON i.instance_id = m.instance_id
                             WHERE m.visible_at <= $now AND (i.lock_owner IS NULL OR i.lock_owner <> $owner))
              """
            : $"SELECT EXISTS (SELECT 1 FROM {table} WHERE visible_at <= $now)";
        var found = await Sql.ScalarAsync(connection, null, sql, cancellationToken, ("$now", NowMs()), ("$owner", OwnerId));
        return found is long and not 0;
    }
}
