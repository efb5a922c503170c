using System.Collections.Concurrent;

namespace OrderOps.Storage.Embedded.Messaging;

/// <summary>
/// Wakes an in-process queue pump as soon as something is sent, so standalone mode does not wait for its next
/// poll. Only a hint: the pump still polls, so a missed signal costs latency, never a message.
/// </summary>
public sealed class QueueSignal
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);

    public void Notify(string queueName)
    {
        var signal = Get(queueName);
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another sender woke the pump first; one wake-up is enough.
            }
        }
    }

    /// <summary>Waits until something is sent to the queue or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(string queueName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Get(queueName).WaitAsync(timeout, cancellationToken);
    }

    private SemaphoreSlim Get(string queueName) => _signals.GetOrAdd(queueName, _ => new SemaphoreSlim(0, 1));
}
