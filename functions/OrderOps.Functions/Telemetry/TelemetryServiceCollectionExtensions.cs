using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrderOps.Core.Telemetry;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "orderops";

    public const string DurableTaskCoreSource = "DurableTask.Core";
    public const string DurableTaskWorkerSource = "Microsoft.DurableTask";

    /// <summary>
    /// OpenTelemetry traces (a span per function invocation with the order id when there is one, HTTP in and out),
    /// metrics (<see cref="OrderOpsMetrics"/> as things happen, <see cref="PlatformGauges"/> from storage, HTTP) and logs,
    /// exported to OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to Azure Monitor when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, to standard output when <c>OrderOps:Telemetry:Console</c> is
    /// true or, unset, in standalone mode with neither of the others; and always to the console's charts
    /// (<see cref="ChartExporter"/>). Under the Functions host the worker's own invocation spans join in.
    /// </summary>
    public static IServiceCollection AddOrderOpsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var azureMonitor = !string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var mode = HostingModes.Resolve(Environment.GetCommandLineArgs(), configuration);
        var console = options.Console ?? (mode == HostingMode.Standalone && !otlp && !azureMonitor);
        services.AddSingleton<OrderOpsMetrics>();
        services.AddSingleton(_ => new ChartHistory(ChartFile(configuration)));
        services.AddSingleton<ChartMetrics>();
        services.AddHostedService(provider => provider.GetRequiredService<ChartMetrics>());

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                // DurableTask.Core traces orchestrations and activities in standalone mode (and, with the Durable
                // extension's distributed tracing V2 in host.json, under the host); Microsoft.DurableTask is the
                // isolated worker's client and worker side.
                tracing.AddSource(FunctionActivity.SourceName, DurableTaskCoreSource, DurableTaskWorkerSource)
                    .AddAspNetCoreInstrumentation(http => http.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null))
                    .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = (activity, _) => activity.SetTag("url.query", null));
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrderOpsMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                    .AddReader(provider => provider.GetRequiredService<ChartMetrics>().Reader);
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithLogging(logging =>
            {
                if (console)
                {
                    logging.AddConsoleExporter();
                }
            });
        if (mode == HostingMode.Functions)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        if (azureMonitor)
        {
            telemetry.UseAzureMonitorExporter();
        }

        // The gauges read storage: only while something exports them (or a test asks for them).
        if (otlp || azureMonitor || console || options.Gauges == true)
        {
            services.AddHostedService<PlatformGauges>();
        }

        return services;
    }

    /// <summary>
    /// Where the charts' hourly totals survive a restart: next to the embedded database. None on the Azure backend (an
    /// instance's disk is not the app's), where Azure Monitor keeps the history.
    /// </summary>
    private static string? ChartFile(IConfiguration configuration) =>
        string.Equals(configuration["Storage:Backend"] ?? StorageBackends.Embedded, StorageBackends.Embedded, StringComparison.OrdinalIgnoreCase)
            ? Path.Combine(DataDirectory.Resolve(configuration), "telemetry-charts.json")
            : null;
}
