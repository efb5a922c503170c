namespace OrderOps.Core.Ports;

/// <summary>
/// Sends messages between functions. Embedded: a durable SQLite queue. Azure: Service Bus. Receiving is the
/// host's job (the standalone pump or the Functions trigger), so handlers only ever send.
/// </summary>
public interface IMessageQueue
{
    /// <summary>
    /// Durably enqueues <paramref name="message"/>. A message whose <see cref="QueueMessage.MessageId"/> is
    /// already waiting in the queue is not enqueued twice (Service Bus duplicate detection semantics).
    /// </summary>
    Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken);
}

public sealed record QueueMessage
{
    public required string MessageId { get; init; }

    /// <summary>JSON text. Keep it small: large payloads go to the raw archive and the message names them.</summary>
    public required string Body { get; init; }

    /// <summary>Not visible to receivers before this time; null for now.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; init; }
}

/// <summary>Queue names shared by senders and the functions triggered by them.</summary>
public static class QueueNames
{
    /// <summary>Inbound channel payloads waiting to become canonical orders.</summary>
    public const string Ingest = "ingest";

    /// <summary>Things that happened to an order, for its lifecycle process manager.</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary>SKUs whose stock changed, for the inventory fan-out.</summary>
    public const string InventoryChanges = "inventory-changes";
}
