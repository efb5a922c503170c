using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// The charts' own metric reader (delta, every <see cref="TelemetryOptions.ChartInterval"/>) and what it has gathered.
/// When the app stops it collects once more and closes the history, so what was counted up to then is saved and
/// nothing writes into the data directory while the app is being torn down.
/// </summary>
public sealed class ChartMetrics : IHostedService
{
    /// <summary>How long a read waits for the collection it asks for before answering with what is there.</summary>
    private const int CollectTimeoutMilliseconds = 2000;

    public ChartMetrics(ChartHistory history, TimeProvider time, IOptions<TelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        History = history;
        Reader = new PeriodicExportingMetricReader(new ChartExporter(history, time), (int)options.Value.ChartInterval.TotalMilliseconds, CollectTimeoutMilliseconds)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
    }

    public ChartHistory History { get; }

    internal MetricReader Reader { get; }

    /// <summary>Brings the totals up to now (the increments since the last collection go to the current hour).</summary>
    public void Collect() => Reader.Collect(CollectTimeoutMilliseconds);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Collect();
        History.Dispose();
        return Task.CompletedTask;
    }
}
