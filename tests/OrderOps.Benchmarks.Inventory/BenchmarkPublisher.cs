using System.Collections.Concurrent;
using System.Diagnostics;
using OrderOps.Core.Ports;

namespace OrderOps.Benchmarks.Inventory;

/// <summary>A channel that answers at once and records when each SKU's pushes were issued (Stopwatch ticks).</summary>
internal sealed class BenchmarkPublisher(string channel) : IChannelInventoryPublisher
{
    public string Channel { get; } = channel;

    public ConcurrentDictionary<string, ConcurrentQueue<(long Ticks, int Quantity)>> Pushes { get; } = new(StringComparer.Ordinal);

    public long Total;

    public Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        Pushes.GetOrAdd(sku, _ => new ConcurrentQueue<(long, int)>()).Enqueue((Stopwatch.GetTimestamp(), quantity));
        Interlocked.Increment(ref Total);
        return Task.FromResult(PublishResult.Published);
    }

    /// <summary>First push of <paramref name="sku"/> issued at or after <paramref name="sinceTicks"/>.</summary>
    public long? FirstPushSince(string sku, long sinceTicks) =>
        Pushes.TryGetValue(sku, out var pushes) ? pushes.Where(p => p.Ticks >= sinceTicks).Select(p => (long?)p.Ticks).FirstOrDefault() : null;

    public int CountSince(string sku, long sinceTicks) =>
        Pushes.TryGetValue(sku, out var pushes) ? pushes.Count(p => p.Ticks >= sinceTicks) : 0;

    public int? Last(string sku) => Pushes.TryGetValue(sku, out var pushes) && !pushes.IsEmpty ? pushes.Last().Quantity : null;
}
