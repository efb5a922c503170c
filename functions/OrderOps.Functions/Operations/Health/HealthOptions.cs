using System.ComponentModel.DataAnnotations;

namespace OrderOps.Functions.Operations.Health;

/// <summary>
/// When <c>GET /api/health</c> turns degraded or unhealthy, bound from <c>OrderOps:Health</c>. The rules, check by check:
/// <list type="bullet">
/// <item><b>storage</b>: unhealthy when the order store or the checkpoint store cannot be read within <see cref="ProbeTimeout"/>.</item>
/// <item><b>queues</b>: per queue, degraded when its oldest message waited longer than <see cref="QueueAgeDegraded"/>,
/// unhealthy past <see cref="QueueAgeUnhealthy"/>; degraded while it holds dead letters.</item>
/// <item><b>lifecycle</b>: degraded when an order's orchestration has waited to start for more than
/// <see cref="OrchestrationWaitDegraded"/> (the durable runtime is not keeping up or not running) or one has failed,
/// unhealthy when one has waited more than <see cref="OrchestrationWaitUnhealthy"/>.</item>
/// <item><b>channels</b>: per channel, degraded when a push waits longer than <see cref="PushLagDegraded"/> or is parked
/// after failing; per Amazon seller + marketplace, degraded when the poll watermark is older than
/// <see cref="PollLagDegraded"/> or was never set.</item>
/// </list>
/// The whole answer is the worst of its checks; unhealthy answers 503 so a load balancer or probe can act on it.
/// </summary>
public sealed class HealthOptions
{
    public const string Section = "OrderOps:Health";

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan QueueAgeDegraded { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan QueueAgeUnhealthy { get; set; } = TimeSpan.FromMinutes(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OrchestrationWaitDegraded { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OrchestrationWaitUnhealthy { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PushLagDegraded { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Three default poll intervals (every 5 minutes) plus Amazon's required two-minute window lag.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PollLagDegraded { get; set; } = TimeSpan.FromMinutes(20);
}
