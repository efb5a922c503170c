using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations.Health;

/// <summary>The order lifecycle's backlog: timers that should have fired and did not (the sweep runs every minute).</summary>
internal sealed class LifecycleHealthCheck(ITimerStore timers, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    private const int Sample = 1000;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rules = options.Value;
        var now = time.GetUtcNow();
        var overdue = await timers.GetDueAsync(now - rules.TimerOverdueDegraded, Sample, cancellationToken);
        var data = new Dictionary<string, object> { ["overdueTimers"] = overdue.Count, ["sampleLimit"] = Sample };
        if (overdue.Count == 0)
        {
            return HealthCheckResult.Healthy("No lifecycle timer is overdue.", data);
        }

        var oldest = now - overdue[0].DueAt;
        data["oldestOverdueSeconds"] = (long)oldest.TotalSeconds;
        var text = $"{overdue.Count}{(overdue.Count == Sample ? "+" : string.Empty)} lifecycle timers are overdue, the oldest by {oldest.TotalMinutes:0} min.";
        return oldest > rules.TimerOverdueUnhealthy ? HealthCheckResult.Unhealthy(text, data: data) : HealthCheckResult.Degraded(text, data: data);
    }
}
