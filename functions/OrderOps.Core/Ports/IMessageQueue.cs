namespace OrderOps.Core.Ports;

/// <summary>
/// Sends messages between functions. Embedded: a durable SQLite queue. Azure: Storage queues. Receiving is the
/// host's job (the standalone pump or the Functions trigger), so handlers only ever send.
/// <para>
/// Delivery is at least once, and a message may arrive more than once: Storage queues have no duplicate detection, a
/// sender that retries after a lost reply sends twice, and a lock that runs out redelivers. Every consumer is therefore
/// idempotent by the message's content. (The embedded queue drops a resend whose id still waits, as an optimisation
/// nobody may rely on.)
/// </para>
/// </summary>
public interface IMessageQueue
{
    /// <summary>
    /// Durably enqueues <paramref name="message"/>: once this returns the message is not lost, though it may be
    /// delivered more than once (see the type's remarks).
    /// </summary>
    Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken);
}

public sealed record QueueMessage
{
    /// <summary>
    /// The sender's id, for logs and the embedded queue's resend check. Storage queues assign their own ids, so a
    /// receiver on Azure sees the service's id, not this one.
    /// </summary>
    public required string MessageId { get; init; }

    /// <summary>JSON text (at most 64 KiB on Azure). Keep it small: large payloads go to the raw archive and the message names them.</summary>
    public required string Body { get; init; }

    /// <summary>Not visible to receivers before this time; null for now. At most 7 days ahead (the Storage queue limit).</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the trace the consumer continues: by default the activity current where the message
    /// was created (the sender), so every message carries its sender's context. Stored in the body by the backend
    /// (<see cref="QueueTraceContext"/>).
    /// </summary>
    public string? TraceParent { get; init; } = QueueTraceContext.CurrentTraceParent();

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; } = QueueTraceContext.CurrentTraceState();
}

/// <summary>Queue names shared by senders and the functions triggered by them.</summary>
public static class QueueNames
{
    /// <summary>Inbound channel payloads waiting to become canonical orders.</summary>
    public const string Ingest = "ingest";

    /// <summary>SKUs whose stock changed, waking the inventory fan-out (see <c>InventoryChangedMessage</c>).</summary>
    public const string InventoryChanges = "inventory-changes";

    /// <summary>Wakes the outbound event dispatcher after a commit wrote events to the outbox (the body is not read).</summary>
    public const string OutboundEvents = "outbound-events";
}
