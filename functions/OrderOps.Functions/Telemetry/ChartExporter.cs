using OpenTelemetry;
using OpenTelemetry.Metrics;
using OrderOps.Core.Telemetry;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// The console's charts read the platform's metrics, not the API: this exporter sits in the same OpenTelemetry
/// pipeline as the OTLP, Azure Monitor and console exporters, on its own reader with delta temporality, and adds each
/// collection's increments of <see cref="OrderOpsMetrics.OrdersReceived"/>, the exceptions opened/resolved counters and
/// the received → released / shipped histograms to <see cref="ChartHistory"/>'s hourly totals.
/// <para>
/// Why in-process and hand-written: the charts must work offline with no collector (standalone, a laptop, a test), so
/// they cannot query Azure Monitor or Prometheus; OpenTelemetry's in-memory exporter keeps raw batches, not hourly
/// totals, and a span of a day's batches is neither small nor survives a restart. A delta reader gives exactly what
/// each interval added, so the hour an increment lands in is off by at most one collection interval
/// (<see cref="TelemetryOptions.ChartInterval"/>; the charts endpoint also collects before it reads). Each instance
/// of the app keeps its own totals: on Azure with several instances the charts show the answering instance's share,
/// and Azure Monitor (fed from the same instruments) has the whole.
/// </para>
/// </summary>
internal sealed class ChartExporter(ChartHistory history, TimeProvider time) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        var increments = new ChartHistory.Increments();
        foreach (var metric in batch)
        {
            switch (metric.Name)
            {
                case OrderOpsMetrics.OrdersReceived:
                    foreach (ref readonly var point in metric.GetMetricPoints())
                    {
                        var channel = Tag(point, "channel") ?? "unknown";
                        increments.Received[channel] = increments.Received.GetValueOrDefault(channel) + point.GetSumLong();
                    }

                    break;
                case OrderOpsMetrics.ExceptionsOpened:
                    increments.Opened += Sum(metric);
                    break;
                case OrderOpsMetrics.ExceptionsResolved:
                    increments.Resolved += Sum(metric);
                    break;
                case OrderOpsMetrics.TimeToRelease:
                    AddBuckets(metric, increments.ToRelease);
                    break;
                case OrderOpsMetrics.TimeToShip:
                    AddBuckets(metric, increments.ToShip);
                    break;
            }
        }

        history.Add(time.GetUtcNow(), increments);
        return ExportResult.Success;
    }

    private static long Sum(Metric metric)
    {
        long sum = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    private static void AddBuckets(Metric metric, List<long> counts)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var i = 0;
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (counts.Count <= i)
                {
                    counts.Add(0);
                }

                counts[i++] += bucket.BucketCount;
            }
        }
    }

    private static string? Tag(in MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
