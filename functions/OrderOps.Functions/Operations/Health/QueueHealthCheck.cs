using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations.Health;

/// <summary>Backlog, oldest message age and dead letters of every queue between functions.</summary>
internal sealed class QueueHealthCheck(IQueueBacklog backlog, IQueueReceiver receiver, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public static readonly IReadOnlyList<string> Queues = [QueueNames.Ingest, QueueNames.InventoryChanges, QueueNames.OutboundEvents];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rules = options.Value;
        var now = time.GetUtcNow();
        var worst = HealthStatus.Healthy;
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var queue in Queues)
        {
            var waiting = await backlog.GetBacklogAsync(queue, cancellationToken);
            var age = waiting.OldestAge(now);
            var dead = (await receiver.ListDeadLettersAsync(queue, 1, cancellationToken)).Count > 0;
            var status = age > rules.QueueAgeUnhealthy ? HealthStatus.Unhealthy : age > rules.QueueAgeDegraded || dead ? HealthStatus.Degraded : HealthStatus.Healthy;
            if (status != HealthStatus.Healthy)
            {
                problems.Add(dead && age <= rules.QueueAgeDegraded ? $"{queue} holds dead letters" : $"{queue}'s oldest message waited {age.TotalMinutes:0} min");
            }

            worst = status < worst ? status : worst;
            data[queue] = new { count = waiting.Count, oldestAgeSeconds = (long)age.TotalSeconds, deadLetters = dead, status = status.ToString() };
        }

        return new HealthCheckResult(worst, problems.Count == 0 ? "Every queue is keeping up." : string.Join("; ", problems) + ".", data: data);
    }
}
