using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>What every SKU's writer shares.</summary>
internal sealed record StockWriterServices(
    CosmosDocuments Stock,
    SkuIndex Index,
    InventoryChangeLog? ChangeLog,
    CosmosInventoryLedgerOptions Options,
    TimeProvider Time,
    Action Changed,
    Action<string, IReadOnlyList<PendingStep>> StaleSteps,
    ILogger Logger);

/// <summary>
/// Group commit for one SKU document, the Cosmos DB counterpart of the embedded ledger's write queue. Operations on the
/// SKU queue here; one drainer reads the document, applies every queued operation to it in order (each sees what the
/// ones before it did; a refused one changes nothing), and commits them all with one If-Match replace. When another
/// writer (another instance) committed in between, the replace fails with 412 and the whole batch is applied again to
/// the fresh document. The If-Match is what makes overselling impossible across instances; the queue only saves this
/// instance from racing itself, which under a burst on one SKU would turn every commit into a 412 storm.
/// </summary>
internal sealed class StockWriter(string sku, StockWriterServices services)
{
    private const int MaxBatch = 256;
    private const int MaxAttempts = 100;
    private readonly ConcurrentQueue<StockOperation> _queue = new();

    /// <summary>Change numbers this instance has appended to the log and not yet removed from the document.</summary>
    private readonly HashSet<long> _logged = [];
    private int _draining;

    public Task<T> RunAsync<T>(StockOperation<T> operation)
    {
        _queue.Enqueue(operation);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return operation.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<StockOperation>();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var operation))
            {
                batch.Add(operation);
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _draining, 0);
                // Something may have queued after the last dequeue but before the flag dropped: take the drain back.
                if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    continue;
                }

                return;
            }

            try
            {
                await RunBatchAsync(batch, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The store itself failed: nothing of the batch is known to have committed.
                batch.ForEach(o => o.Fail(exception));
            }
        }
    }

    private async Task RunBatchAsync(List<StockOperation> batch, CancellationToken cancellationToken)
    {
        var (stock, options, time) = (services.Stock, services.Options, services.Time);
        for (var attempt = 1; ; attempt++)
        {
            var read = await stock.ReadAsync<StockDocument>(StockDocument.DocumentId, sku, cancellationToken);
            var document = read?.Document ?? new StockDocument { Sku = sku };
            // Only movements already committed may leave for their own documents: one of this batch's own, copied out
            // before a write that then loses its race, would be mistaken for a repeat by the retry and never applied.
            var committed = document.Outbox.ToList();
            var context = new StockContext(time.GetUtcNow(), options.InstanceId, services.ChangeLog is not null);
            var outcomes = new (object? Result, Exception? Error)[batch.Count];
            var changed = false;
            for (var i = 0; i < batch.Count; i++)
            {
                var operation = batch[i];
                try
                {
                    // Checked after the read: a stalled driver's step can only commit on a document read in its lease.
                    if (operation.LeaseExpired(time.GetTimestamp()) is { } expired)
                    {
                        throw expired;
                    }

                    await operation.PrepareAsync(document, stock, cancellationToken);
                    var (result, changedIt) = operation.Apply(document, context);
                    outcomes[i] = (result, null);
                    changed |= changedIt;
                }
                catch (Exception exception) when (IsRefusal(exception))
                {
                    outcomes[i] = (null, exception);
                }
            }

            if (!changed)
            {
                Complete(batch, outcomes);
                NoticeStaleSteps(document, context);
                return;
            }

            var (toLog, dropped) = PrepareChangeLog(document, context);
            if (read is null)
            {
                // Write-ahead: the index names the SKU before its document exists, never the other way round.
                await services.Index.EnsureAsync(sku, cancellationToken);
            }

            if (committed.Count >= options.OutboxFlushThreshold)
            {
                await FlushOutboxAsync(document, committed, cancellationToken);
            }

            var etag = await stock.WriteAsync(document, StockDocument.DocumentId, sku, read?.ETag, cancellationToken);
            if (etag is null)
            {
                if (attempt >= MaxAttempts)
                {
                    throw new InvalidOperationException($"SKU '{sku}': gave up after {attempt} lost If-Match races.");
                }

                await Task.Delay(Random.Shared.Next(1, 5 << Math.Min(attempt, 5)), cancellationToken);
                continue;
            }

            // Only now are the dropped entries gone from the document; had the write lost, the retry must see them as logged.
            _logged.ExceptWith(dropped);
            await AppendToChangeLogAsync(toLog, cancellationToken);
            services.Changed();
            Complete(batch, outcomes);
            NoticeStaleSteps(document, context);
            return;
        }
    }

    /// <summary>
    /// Drops entries this instance already appended, adopts entries another instance committed but (after the grace
    /// period) evidently never appended — it crashed in between — and returns what this write must append afterwards.
    /// </summary>
    /// <returns>The entries to append after the write, and the change numbers the write drops as already appended.</returns>
    private (List<UnloggedChange> ToLog, List<long> Dropped) PrepareChangeLog(StockDocument document, StockContext context)
    {
        if (services.ChangeLog is null)
        {
            document.Unlogged.Clear();
            return ([], []);
        }

        var me = services.Options.InstanceId;
        var dropped = document.Unlogged.Where(u => u.By == me && _logged.Contains(u.Change)).Select(u => u.Change).ToList();
        document.Unlogged.RemoveAll(u => u.By == me && _logged.Contains(u.Change));
        var orphanedBefore = context.NowMs - (long)services.Options.ChangeLogGrace.TotalMilliseconds;
        foreach (var orphan in document.Unlogged.Where(u => u.By != me && u.At < orphanedBefore))
        {
            orphan.By = me;
        }

        return (document.Unlogged.Where(u => u.By == me).OrderBy(u => u.Change).ToList(), dropped);
    }

    private async Task AppendToChangeLogAsync(List<UnloggedChange> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0 || services.ChangeLog is null)
        {
            return;
        }

        try
        {
            await services.ChangeLog.AppendAsync(sku, entries, cancellationToken);
            _logged.UnionWith(entries.Select(e => e.Change));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The balances are committed; their entries stay in the document and go out with its next write.
            services.Logger.LogWarning(exception, "Could not append {Count} change-log entries of a SKU; they are retried with its next write.", entries.Count);
        }
    }

    private async Task FlushOutboxAsync(StockDocument document, List<MovementRecord> committed, CancellationToken cancellationToken)
    {
        // Upserts with deterministic ids: if the replace below loses its race, doing this again writes the same documents.
        await Parallel.ForEachAsync(
            committed,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (movement, ct) => await services.Stock.UpsertAsync(
                new MovementDocument { Id = MovementDocument.IdFor(movement.MovementId), Sku = sku, Sequence = movement.Sequence, Movement = movement }, sku, ct));
        document.Flushed = Math.Max(document.Flushed, committed.Max(m => m.Sequence));
        var flushed = committed.Select(m => m.Sequence).ToHashSet();
        document.Outbox.RemoveAll(m => flushed.Contains(m.Sequence));
    }

    private void NoticeStaleSteps(StockDocument document, StockContext context)
    {
        var staleBefore = context.NowMs - (long)services.Options.RecoverAfter.TotalMilliseconds;
        var stale = document.Steps.Where(s => s.At < staleBefore).ToList();
        if (stale.Count > 0)
        {
            services.StaleSteps(sku, stale);
        }
    }

    private static void Complete(List<StockOperation> batch, (object? Result, Exception? Error)[] outcomes)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Complete(outcomes[i].Result);
            }
        }
    }

    private static bool IsRefusal(Exception exception) => exception is InsufficientStockException or MovementConflictException
        or ReservationMismatchException or IntentLeaseExpiredException or ArgumentException or OverflowException;
}
