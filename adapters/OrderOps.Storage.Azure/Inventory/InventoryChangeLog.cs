using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// The ledger's globally ordered change log (<c>ReadChangesAsync</c>) for the standalone change-feed pump, kept in the
/// <c>changes</c> partition of the meta container because cosmosdb-server has no change feed to read.
/// <para>
/// Positions come from one <c>head</c> document that holds the last position and the newest entries: an append is one
/// If-Match replace of it, so positions are dense and an entry is visible exactly when its position is — a reader can
/// never skip a position that is filled in later. Older entries move into immutable <c>seg-…</c> documents once the
/// head holds <see cref="HeadCapacity"/>. Appends from every SKU writer of this instance are grouped into one head write,
/// so the single head is no bottleneck for one standalone process; it would be one for many instances, which is why a
/// Function app turns the log off and lets the Cosmos DB trigger read the real change feed instead.
/// </para>
/// </summary>
internal sealed class InventoryChangeLog(CosmosDocuments meta)
{
    public const string Partition = "changes";
    private const string HeadId = "head";
    private const int HeadCapacity = 200;
    private const int SegmentSize = 100;
    private readonly ConcurrentQueue<Append> _queue = new();
    private int _draining;

    /// <summary>Appends the entries (all or none) after everything appended before; completes once they are durable.</summary>
    public Task AppendAsync(string sku, IReadOnlyList<UnloggedChange> entries, CancellationToken cancellationToken)
    {
        var append = new Append(sku, entries);
        _queue.Enqueue(append);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return append.Completion.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<InventoryChange>> ReadAsync(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        var head = (await meta.ReadAsync<LogDocument>(HeadId, Partition, cancellationToken))?.Document;
        if (head is null)
        {
            return [];
        }

        var entries = head.Entries.Where(e => e.P > afterPosition).ToList();
        if (head.Entries.Count == 0 || head.Entries[0].P > afterPosition + 1)
        {
            var segments = await meta.QueryAsync<LogDocument>(
                new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = 'segment' AND c.last > @after")
                    .WithParameter("@pk", Partition).WithParameter("@after", afterPosition),
                Partition,
                cancellationToken);
            entries.AddRange(segments.SelectMany(s => s.Entries).Where(e => e.P > afterPosition));
        }

        return entries.DistinctBy(e => e.P).OrderBy(e => e.P).Take(limit)
            .Select(e => new InventoryChange(e.P, e.Sku, e.Loc, e.OnHand, e.Allocated, DateTimeOffset.FromUnixTimeMilliseconds(e.At)))
            .ToList();
    }

    public async Task<int> PruneAsync(long upToPosition, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var before = olderThan.ToUnixTimeMilliseconds();
        bool Prunable(LogEntry e) => e.P <= upToPosition && e.At < before;
        var pruned = new HashSet<long>();
        var segments = await meta.QueryAsync<LogDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = 'segment' AND c.first <= @upTo")
                .WithParameter("@pk", Partition).WithParameter("@upTo", upToPosition),
            Partition,
            cancellationToken);
        foreach (var segment in segments.Where(s => s.Entries.Any(Prunable)))
        {
            // Segments change only here; a concurrent prune removing the same entries makes this one's write moot.
            pruned.UnionWith(segment.Entries.Where(Prunable).Select(e => e.P));
            segment.Entries.RemoveAll(Prunable);
            if (segment.Entries.Count == 0)
            {
                await meta.DeleteAsync(segment.Id, Partition, null, cancellationToken);
            }
            else
            {
                await meta.UpsertAsync(segment, Partition, cancellationToken);
            }
        }

        while (true)
        {
            var read = await meta.ReadAsync<LogDocument>(HeadId, Partition, cancellationToken);
            if (read is not { } head || !head.Document.Entries.Any(Prunable))
            {
                break;
            }

            var removed = head.Document.Entries.Where(Prunable).Select(e => e.P).ToList();
            head.Document.Entries.RemoveAll(Prunable);
            if (await meta.ReplaceAsync(head.Document, HeadId, Partition, head.ETag, cancellationToken) is not null)
            {
                pruned.UnionWith(removed);
                break;
            }
        }

        return pruned.Count;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<Append>();
            while (_queue.TryDequeue(out var append))
            {
                batch.Add(append);
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _draining, 0);
                if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    continue;
                }

                return;
            }

            try
            {
                await WriteAsync(batch, CancellationToken.None);
                batch.ForEach(a => a.Completion.TrySetResult());
            }
            catch (Exception exception)
            {
                batch.ForEach(a => a.Completion.TrySetException(exception));
            }
        }
    }

    private async Task WriteAsync(List<Append> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var read = await meta.ReadAsync<LogDocument>(HeadId, Partition, cancellationToken);
            var head = read?.Document ?? new LogDocument { Id = HeadId, Type = "head" };
            foreach (var append in batch)
            {
                foreach (var change in append.Entries)
                {
                    head.Entries.Add(new LogEntry { P = ++head.Last, Sku = append.Sku, Loc = change.Location, OnHand = change.OnHand, Allocated = change.Allocated, At = change.At });
                }
            }

            while (head.Entries.Count > HeadCapacity)
            {
                // Deterministic content: if the head write below loses, the retry writes the same segment again.
                var moved = head.Entries.Take(SegmentSize).ToList();
                var segment = new LogDocument
                {
                    Id = "seg-" + moved[0].P.ToString("D19", CultureInfo.InvariantCulture),
                    Type = "segment",
                    First = moved[0].P,
                    Last = moved[^1].P,
                    Entries = moved,
                };
                await meta.UpsertAsync(segment, Partition, cancellationToken);
                head.Entries.RemoveRange(0, moved.Count);
            }

            if (await meta.WriteAsync(head, HeadId, Partition, read?.ETag, cancellationToken) is not null)
            {
                return;
            }

            if (attempt >= 100)
            {
                throw new InvalidOperationException($"The change-log head lost {attempt} If-Match races in a row.");
            }

            await Task.Delay(Random.Shared.Next(1, 5 << Math.Min(attempt, 5)), cancellationToken);
        }
    }

    private sealed record Append(string Sku, IReadOnlyList<UnloggedChange> Entries)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class LogDocument
    {
        [JsonPropertyName("id")]
        public required string Id { get; set; }

        public string Pk { get; set; } = Partition;

        public required string Type { get; set; }

        /// <summary>Head: the last position given out. Segment: its last position.</summary>
        public long Last { get; set; }

        /// <summary>Segment: its first position.</summary>
        public long First { get; set; }

        public List<LogEntry> Entries { get; set; } = [];
    }

    private sealed class LogEntry
    {
        public long P { get; set; }

        public required string Sku { get; set; }

        public required string Loc { get; set; }

        public int OnHand { get; set; }

        public int Allocated { get; set; }

        public long At { get; set; }
    }
}
