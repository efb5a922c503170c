using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrderOps.Core.Lifecycle.Orchestration;

namespace OrderOps.Functions.Operations.Health;

/// <summary>
/// The order lifecycle's orchestration backlog: order instances scheduled but not started for too long (the durable
/// runtime is not keeping up, or not running), and instances that failed (the next signal restarts them from the
/// order record, but until then the order does not move).
/// </summary>
/// <remarks>
/// The Durable client comes from the readiness function's <c>[DurableClient]</c> binding (<see cref="Client"/>, set for
/// the duration of one check run), since under the Functions host there is none in DI; standalone mode has both.
/// </remarks>
internal sealed class LifecycleHealthCheck(IServiceProvider services, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public const int Sample = 100;

    /// <summary>The client the current readiness request was given.</summary>
    public static readonly AsyncLocal<DurableTaskClient?> Client = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var client = Client.Value ?? services.GetService<DurableTaskClient>();
        if (client is null)
        {
            return HealthCheckResult.Degraded("No Durable client is available to read the orchestration backlog.");
        }

        var rules = options.Value;
        var now = time.GetUtcNow();
        var waiting = await FirstPageAsync(client, new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Pending], CreatedTo = now - rules.OrchestrationWaitDegraded, InstanceIdPrefix = OrderLifecycleNames.InstancePrefix, PageSize = Sample,
        }, cancellationToken);
        var failed = await FirstPageAsync(client, new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Failed], InstanceIdPrefix = OrderLifecycleNames.InstancePrefix, PageSize = Sample,
        }, cancellationToken);
        var data = new Dictionary<string, object> { ["waitingInstances"] = waiting.Count, ["failedInstances"] = failed.Count, ["sampleLimit"] = Sample };
        if (waiting.Count == 0 && failed.Count == 0)
        {
            return HealthCheckResult.Healthy("No order orchestration waits to start or has failed.", data);
        }

        var oldest = waiting.Count == 0 ? TimeSpan.Zero : now - waiting.Min(i => i.CreatedAt);
        data["oldestWaitingSeconds"] = (long)oldest.TotalSeconds;
        var text = $"{waiting.Count} order orchestrations have waited over {rules.OrchestrationWaitDegraded.TotalMinutes:0} min to start (oldest {oldest.TotalMinutes:0} min); {failed.Count} failed (the next signal restarts each).";
        return oldest > rules.OrchestrationWaitUnhealthy ? HealthCheckResult.Unhealthy(text, data: data) : HealthCheckResult.Degraded(text, data: data);
    }

    private static async Task<IReadOnlyList<OrchestrationMetadata>> FirstPageAsync(DurableTaskClient client, OrchestrationQuery query, CancellationToken cancellationToken)
    {
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(pageSizeHint: Sample).WithCancellation(cancellationToken))
        {
            return page.Values;
        }

        return [];
    }
}
