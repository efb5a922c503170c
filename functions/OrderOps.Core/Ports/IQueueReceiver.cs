namespace OrderOps.Core.Ports;

/// <summary>
/// The receiving side of <see cref="IMessageQueue"/>, used by hosts that pump queues themselves (standalone mode)
/// and to list dead letters. In a Function app the Functions host receives from Storage queues and poisons messages
/// itself, the same way the Azure implementation of this port does. Order of delivery is not guaranteed.
/// </summary>
public interface IQueueReceiver
{
    /// <summary>
    /// Locks up to <paramref name="maxMessages"/> visible messages for <paramref name="visibilityTimeout"/>.
    /// A message not completed in that time becomes visible again (at-least-once delivery).
    /// </summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Removes a processed message. False when its lock was lost (it may then be delivered again).</summary>
    Task<bool> CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a failed message back: visible again after a backoff, or moved to the dead-letter store once it has
    /// been delivered <see cref="QueueRetryPolicy.MaxDeliveryCount"/> times. The last error is kept either way.
    /// </summary>
    Task<AbandonOutcome> AbandonAsync(ReceivedMessage message, string error, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> dead letters of the queue with their last error. A backend may cap the limit
    /// (Storage queues: 32, the most one peek returns).
    /// </summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string queueName, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Returns when a message may have arrived on the queue or when <paramref name="timeout"/> passes, whichever is
    /// first. A hint that saves polling latency; receivers must still cope with finding nothing.
    /// </summary>
    Task WaitForMessagesAsync(string queueName, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>How many messages wait (visible or locked) in the queue.</summary>
    Task<long> CountAsync(string queueName, CancellationToken cancellationToken);
}

public sealed record ReceivedMessage
{
    public required string QueueName { get; init; }

    public required string MessageId { get; init; }

    public required string Body { get; init; }

    /// <summary>1 on first delivery.</summary>
    public required int DeliveryCount { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required string LockToken { get; init; }

    /// <summary>Store-specific handle of the message (the embedded queue's sequence; Storage queues have none).</summary>
    public required long SequenceNumber { get; init; }
}

public enum AbandonOutcome
{
    /// <summary>The message will be delivered again after a backoff.</summary>
    Retrying,

    /// <summary>The message used up its deliveries and now waits in the dead-letter store.</summary>
    DeadLettered,

    /// <summary>The lock had been lost; someone else owns the message now.</summary>
    LockLost,
}

public sealed record DeadLetter
{
    public required string QueueName { get; init; }

    public required string MessageId { get; init; }

    public required string Body { get; init; }

    public required int DeliveryCount { get; init; }

    public required string LastError { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required DateTimeOffset DeadLetteredAt { get; init; }
}

/// <summary>
/// Retry rules for messages that fail. In a Function app the host applies host.json's
/// <c>extensions.queues.maxDequeueCount</c>, which must equal <see cref="MaxDeliveryCount"/>.
/// </summary>
public sealed record QueueRetryPolicy
{
    public int MaxDeliveryCount { get; init; } = 10;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Exponential backoff after the given (1-based) delivery: initial × 2^(n-1), capped.</summary>
    public TimeSpan BackoffAfter(int deliveryCount)
    {
        var exponent = Math.Clamp(deliveryCount - 1, 0, 30);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
