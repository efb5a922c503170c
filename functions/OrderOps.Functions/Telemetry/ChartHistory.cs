using System.Text.Json;
using OrderOps.Core.Serialization;
using OrderOps.Core.Telemetry;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// Hourly totals of the metrics behind the console's charts, as <see cref="ChartExporter"/> hands them over: orders
/// received by channel, exceptions opened and resolved, and the bucket counts of the received → released / shipped
/// histograms. Kept for <see cref="Retention"/>; saved to a small JSON file after each change when a path is given
/// (standalone on the embedded backend), so a restart keeps the last day's charts.
/// </summary>
public sealed class ChartHistory : IDisposable
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    private readonly Lock _gate = new();
    private readonly Lock _fileGate = new();
    private readonly SortedDictionary<DateTimeOffset, Hour> _hours = [];
    private readonly string? _path;
    private bool _closed;

    /// <param name="path">Where the totals survive a restart; null keeps them in memory only.</param>
    public ChartHistory(string? path)
    {
        _path = path;
        if (path is not null && File.Exists(path))
        {
            try
            {
                foreach (var hour in JsonSerializer.Deserialize<List<Hour>>(File.ReadAllText(path), OrderOpsJson.Options) ?? [])
                {
                    _hours[hour.Start] = hour;
                }
            }
            catch (JsonException)
            {
                // A torn or foreign file costs the charts their history, never the start.
            }
        }
    }

    /// <summary>Adds one export's increments to the hour holding <paramref name="at"/>, drops hours past retention, saves.</summary>
    public void Add(DateTimeOffset at, Increments increments)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.IsEmpty)
        {
            return;
        }

        string? json = null;
        lock (_gate)
        {
            var start = HourOf(at);
            if (!_hours.TryGetValue(start, out var hour))
            {
                _hours[start] = hour = new Hour { Start = start };
            }

            foreach (var (channel, count) in increments.Received)
            {
                hour.Received[channel] = hour.Received.GetValueOrDefault(channel) + count;
            }

            hour.Opened += increments.Opened;
            hour.Resolved += increments.Resolved;
            hour.ToRelease = Sum(hour.ToRelease, increments.ToRelease);
            hour.ToShip = Sum(hour.ToShip, increments.ToShip);
            foreach (var old in _hours.Keys.Where(k => k < start - Retention).ToList())
            {
                _hours.Remove(old);
            }

            if (_path is not null)
            {
                json = JsonSerializer.Serialize(_hours.Values, OrderOpsJson.Options);
            }
        }

        if (json is not null)
        {
            Save(json);
        }
    }

    /// <summary>
    /// No more saving: the app is stopping (<see cref="ChartMetrics"/> collects a last time first). Waits for a save in
    /// progress; later exports (the metric reader's own at shutdown) only add to the totals in memory.
    /// </summary>
    public void Dispose()
    {
        lock (_fileGate)
        {
            _closed = true;
        }
    }

    /// <summary>The <paramref name="hours"/> hours up to and including the one holding <paramref name="now"/>.</summary>
    public ChartView Read(DateTimeOffset now, int hours = 24)
    {
        var last = HourOf(now);
        var starts = Enumerable.Range(0, hours).Select(i => last.AddHours(i - hours + 1)).ToList();
        lock (_gate)
        {
            var window = starts.Select(s => _hours.GetValueOrDefault(s)).ToList();
            var channels = window.OfType<Hour>().SelectMany(h => h.Received.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new ChartView(
                now,
                starts,
                [.. channels.Select(c => new ChannelSeries(c, [.. window.Select(h => h?.Received.GetValueOrDefault(c) ?? 0)]))],
                [.. window.Select(h => h?.Opened ?? 0)],
                [.. window.Select(h => h?.Resolved ?? 0)],
                Durations.From(window.OfType<Hour>().Select(h => h.ToRelease)),
                Durations.From(window.OfType<Hour>().Select(h => h.ToShip)));
        }
    }

    private void Save(string json)
    {
        lock (_fileGate)
        {
            if (_closed)
            {
                return;
            }

            var temporary = _path + ".tmp";
            File.WriteAllText(temporary, json);
            File.Move(temporary, _path!, overwrite: true);
        }
    }

    private static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static long[] Sum(long[] total, List<long> add)
    {
        if (add.Count == 0)
        {
            return total;
        }

        var sum = new long[Math.Max(total.Length, add.Count)];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = (i < total.Length ? total[i] : 0) + (i < add.Count ? add[i] : 0);
        }

        return sum;
    }

    /// <summary>One hour's totals, as saved.</summary>
    public sealed class Hour
    {
        public DateTimeOffset Start { get; init; }

        public Dictionary<string, long> Received { get; init; } = new(StringComparer.Ordinal);

        public long Opened { get; set; }

        public long Resolved { get; set; }

        /// <summary>Counts per bucket of <see cref="OrderOpsMetrics.OrderDurationBounds"/> (one more: above the last bound).</summary>
        public long[] ToRelease { get; set; } = [];

        public long[] ToShip { get; set; } = [];
    }

    /// <summary>What one export added.</summary>
    public sealed class Increments
    {
        public Dictionary<string, long> Received { get; } = new(StringComparer.Ordinal);

        public long Opened { get; set; }

        public long Resolved { get; set; }

        public List<long> ToRelease { get; } = [];

        public List<long> ToShip { get; } = [];

        public bool IsEmpty => Received.Values.All(v => v == 0) && Opened == 0 && Resolved == 0 && ToRelease.All(v => v == 0) && ToShip.All(v => v == 0);
    }
}

public sealed record ChartView(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<DateTimeOffset> Hours,
    IReadOnlyList<ChannelSeries> Received,
    IReadOnlyList<long> ExceptionsOpened,
    IReadOnlyList<long> ExceptionsResolved,
    Durations TimeToRelease,
    Durations TimeToShip);

public sealed record ChannelSeries(string Channel, IReadOnlyList<long> Values);

/// <summary>
/// How many orders and their p50/p95 in seconds, read from histogram buckets: linear within the bucket holding the
/// rank, so good to the bucket's width; a rank in the open last bucket reads as its lower bound (<see cref="AtLeast"/>).
/// </summary>
public sealed record Durations(long Count, double? P50Seconds, double? P95Seconds, bool AtLeast)
{
    public static Durations From(IEnumerable<long[]> hours)
    {
        var bounds = OrderOpsMetrics.OrderDurationBounds;
        var counts = new long[bounds.Count + 1];
        foreach (var hour in hours)
        {
            for (var i = 0; i < Math.Min(hour.Length, counts.Length); i++)
            {
                counts[i] += hour[i];
            }
        }

        var total = counts.Sum();
        if (total == 0)
        {
            return new Durations(0, null, null, false);
        }

        var (p50, _) = Percentile(counts, bounds, total, 0.50);
        var (p95, open) = Percentile(counts, bounds, total, 0.95);
        return new Durations(total, p50, p95, open);
    }

    private static (double Value, bool Open) Percentile(long[] counts, IReadOnlyList<double> bounds, long total, double p)
    {
        var rank = p * total;
        long below = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && below + counts[i] >= rank)
            {
                if (i == bounds.Count)
                {
                    return (bounds[^1], true);
                }

                var lower = i == 0 ? 0 : bounds[i - 1];
                return (lower + ((bounds[i] - lower) * (rank - below) / counts[i]), false);
            }

            below += counts[i];
        }

        return (bounds[^1], true);
    }
}
