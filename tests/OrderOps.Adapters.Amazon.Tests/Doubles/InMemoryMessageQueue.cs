using System.Collections.Concurrent;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Tests.Doubles;

/// <summary>Records every send; keeps one waiting message per id (Service Bus duplicate detection).</summary>
public sealed class InMemoryMessageQueue : IMessageQueue
{
    public ConcurrentQueue<(string Queue, QueueMessage Message)> Sends { get; } = new();

    public ConcurrentDictionary<string, QueueMessage> Waiting { get; } = new(StringComparer.Ordinal);

    /// <summary>When it returns true for a message, the send fails before anything is stored.</summary>
    public Func<QueueMessage, bool>? FailWhen { get; set; }

    public Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (FailWhen?.Invoke(message) == true)
        {
            throw new IOException($"Queue unavailable for {message.MessageId}.");
        }

        Sends.Enqueue((queueName, message));
        Waiting.TryAdd(message.MessageId, message);
        return Task.CompletedTask;
    }
}
