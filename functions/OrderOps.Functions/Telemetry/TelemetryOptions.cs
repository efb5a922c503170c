using System.ComponentModel.DataAnnotations;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// <c>OrderOps:Telemetry</c>. Where traces, metrics and logs go is decided by standard settings:
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> → OTLP, <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> → Azure Monitor, and
/// <see cref="Console"/> → the console (on by default in the Development environment when neither is set).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "OrderOps:Telemetry";

    /// <summary>Write traces, metrics and logs to standard output; null = only in Development with no other exporter.</summary>
    public bool? Console { get; set; }

    /// <summary>Read the platform gauges even with no exporter configured (tests, a custom exporter); null = only when exporting.</summary>
    public bool? Gauges { get; set; }

    /// <summary>How often the platform gauges (orders by state, queues, exceptions, pushes, poll lag) are read from storage.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromMinutes(1);
}
