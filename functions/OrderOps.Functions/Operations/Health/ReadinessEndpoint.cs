using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Operations.Health;

/// <summary>
/// <c>GET /api/health</c> (key-protected): readiness that means something — storage, queues, the lifecycle's backlog
/// and every channel, each turned healthy, degraded or unhealthy by the rules of <see cref="HealthOptions"/>. 200 while
/// healthy or degraded, 503 when unhealthy. <c>/healthz</c> stays the cheap, open liveness check.
/// </summary>
public sealed class ReadinessEndpoint(HealthCheckService health, TimeProvider time)
{
    [Function("GetHealth")]
    [Tags("Operations")]
    [EndpointSummary("Readiness: storage, queue backlog and age, lifecycle backlog, channels; degraded/unhealthy by documented rules.")]
    [ProducesResponseType<HealthView>(StatusCodes.Status200OK)]
    [ProducesResponseType<HealthView>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/health")] HttpRequest request,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        LifecycleHealthCheck.Client.Value = durable;
        var report = await health.CheckHealthAsync(cancellationToken);
        var view = new HealthView(
            Name(report.Status),
            time.GetUtcNow(),
            (long)report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckView(Name(e.Value.Status), e.Value.Description, (long)e.Value.Duration.TotalMilliseconds, e.Value.Data.Count == 0 ? null : e.Value.Data)));
        return Results.Json(view, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    public sealed record HealthView(string Status, DateTimeOffset CheckedAt, long DurationMs, IReadOnlyDictionary<string, HealthCheckView> Checks);

    public sealed record HealthCheckView(string Status, string? Description, long DurationMs, IReadOnlyDictionary<string, object>? Data);
}
