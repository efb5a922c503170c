using System.Threading.Channels;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Storage.Embedded.Inventory;

/// <summary>
/// Group commit for the ledger. Concurrent operations queue here; one drainer takes whatever has queued, runs each
/// in its own savepoint inside a single write transaction (so each still sees the balances left by the ones before
/// it, and a refused one rolls back alone), commits once, then completes them all. Under contention this turns
/// hundreds of commits a second into a few dozen without weakening the no-oversell guarantee, which rests on the
/// operations running one after another under the write lock, not on them having separate transactions.
/// <para>
/// The commit also enqueues one <see cref="InventoryChangedMessage"/> on <see cref="QueueNames.InventoryChanges"/> naming
/// every SKU the batch's operations changed (and those they gave reserved units back of), in the same transaction (the queue table lives in the same database file):
/// a transactional outbox, so a balance change and the fan-out's wake-up commit together or not at all.
/// </para>
/// </summary>
internal sealed class LedgerWriteQueue(SqliteDatabase database, TimeProvider time, Action onChanged)
{
    private const int MaxBatch = 256;
    private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private int _draining;

    private interface IWork
    {
        CancellationToken CancellationToken { get; }

        Task<bool> RunAsync(LedgerWriter writer);

        void Fail(Exception exception);

        void Complete();
    }

    /// <summary>Runs <paramref name="operation"/> in the next batch. It returns its result and whether it changed the ledger.</summary>
    public Task<T> ExecuteAsync<T>(Func<LedgerWriter, CancellationToken, Task<(T Result, bool Changed)>> operation, CancellationToken cancellationToken)
    {
        var work = new Work<T>(operation, cancellationToken);
        _queue.Writer.TryWrite(work);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            // The drain serves every caller that writes while it runs: it must not carry this caller's trace into the
            // batches (and the change messages they send) of others.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }

        return work.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<IWork>();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var work))
            {
                if (work.CancellationToken.IsCancellationRequested)
                {
                    work.Fail(new OperationCanceledException(work.CancellationToken));
                }
                else
                {
                    batch.Add(work);
                }
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _draining, 0);
                // Something may have queued after the last read but before the flag dropped: take the drain back.
                if (_queue.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    continue;
                }

                return;
            }

            await RunBatchAsync(batch);
        }
    }

    private async Task RunBatchAsync(List<IWork> batch)
    {
        var succeeded = new List<IWork>(batch.Count);
        var changed = false;
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using var writer = new LedgerWriter(connection, transaction, time.GetUtcNow());
                var touched = new HashSet<string>(StringComparer.Ordinal);
                var released = new HashSet<string>(StringComparer.Ordinal);
                foreach (var work in batch)
                {
                    await writer.ExecuteAsync("SAVEPOINT op");
                    writer.TouchedSkus.Clear();
                    writer.ReleasedSkus.Clear();
                    try
                    {
                        changed |= await work.RunAsync(writer);
                        await writer.ExecuteAsync("RELEASE op");
                        touched.UnionWith(writer.TouchedSkus);
                        released.UnionWith(writer.ReleasedSkus);
                        succeeded.Add(work);
                    }
                    catch (Exception exception)
                    {
                        await writer.ExecuteAsync("ROLLBACK TO op; RELEASE op");
                        work.Fail(exception);
                    }
                }

                foreach (var message in InventoryChangedMessage.For(touched, writer.Now, released))
                {
                    await SqliteMessageQueue.InsertAsync(connection, transaction, QueueNames.InventoryChanges, message, writer.Now, CancellationToken.None);
                }

                return succeeded.Count;
            }, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The commit itself failed: nothing in the batch happened.
            foreach (var work in succeeded)
            {
                work.Fail(exception);
            }

            return;
        }

        foreach (var work in succeeded)
        {
            work.Complete();
        }

        if (changed)
        {
            onChanged();
        }
    }

    private sealed class Work<T>(Func<LedgerWriter, CancellationToken, Task<(T Result, bool Changed)>> operation, CancellationToken cancellationToken) : IWork
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public Task<T> Task => _completion.Task;

        public async Task<bool> RunAsync(LedgerWriter writer)
        {
            // The operation must not be cut short halfway through a batch; cancellation is honoured before it starts.
            var (result, changed) = await operation(writer, System.Threading.CancellationToken.None);
            _result = result;
            return changed;
        }

        public void Fail(Exception exception) => _completion.TrySetException(exception);

        public void Complete() => _completion.TrySetResult(_result);
    }
}
