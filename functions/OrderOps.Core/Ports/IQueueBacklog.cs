namespace OrderOps.Core.Ports;

/// <summary>
/// How far behind a queue is, for health checks and metrics: how many messages wait and since when the oldest one
/// waits. Separate from <see cref="IQueueReceiver"/> because only operators' views read it.
/// </summary>
public interface IQueueBacklog
{
    Task<QueueBacklog> GetBacklogAsync(string queueName, CancellationToken cancellationToken);
}

/// <param name="Count">Messages waiting, visible or locked (Storage queues: the service's approximate count).</param>
/// <param name="OldestEnqueuedAt">
/// When the oldest waiting message was enqueued; null when none waits. Storage queues can only peek the first visible
/// message, so there it is the oldest <em>visible</em> one.
/// </param>
public sealed record QueueBacklog(long Count, DateTimeOffset? OldestEnqueuedAt)
{
    /// <summary>How long the oldest message has waited at <paramref name="now"/>; zero when none waits.</summary>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestEnqueuedAt is { } at && now > at ? now - at : TimeSpan.Zero;
}
