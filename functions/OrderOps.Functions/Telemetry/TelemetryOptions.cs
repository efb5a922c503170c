using System.ComponentModel.DataAnnotations;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// <c>OrderOps:Telemetry</c>. Where traces, metrics and logs go is decided by standard settings:
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> → OTLP, <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> → Azure Monitor, and
/// <see cref="Console"/> → standard output (by default in standalone mode when neither of the others is set).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "OrderOps:Telemetry";

    /// <summary>
    /// Write traces, metrics and logs to standard output. Null (the default) = in standalone mode when neither OTLP nor
    /// Azure Monitor is configured, so a plain <c>dotnet run</c> shows its telemetry; tests and load drivers set false.
    /// </summary>
    public bool? Console { get; set; }

    /// <summary>Read the platform gauges even with no exporter configured (tests, a custom exporter); null = only when exporting.</summary>
    public bool? Gauges { get; set; }

    /// <summary>How often the platform gauges (orders by state, queues, exceptions, pushes, poll lag) are read from storage.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the console's charts collect the metrics (the hour an increment lands in is late by at most this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ChartInterval { get; set; } = TimeSpan.FromMinutes(1);
}
