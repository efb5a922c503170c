using Microsoft.AspNetCore.Mvc;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Telemetry;

/// <summary>The console's charts, from the platform's metrics (<see cref="ChartExporter"/>).</summary>
public sealed class ChartEndpoints(ChartMetrics charts, TimeProvider time)
{
    /// <summary><c>GET /api/telemetry/charts</c>: the last 24 hours, hour by hour, from the metrics this instance recorded.</summary>
    [Function("GetCharts")]
    [Tags("Console")]
    [EndpointSummary("The console's charts for the last 24 hours (UTC hours) from the app's metrics: orders received per hour by channel, exceptions opened vs resolved, received → released / shipped p50 and p95.")]
    [ProducesResponseType<ChartView>(StatusCodes.Status200OK)]
    public IResult Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/telemetry/charts")] HttpRequest request)
    {
        charts.Collect();
        return Results.Ok(charts.History.Read(time.GetUtcNow()));
    }
}
