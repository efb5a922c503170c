using System.Collections.Concurrent;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// In-process wake-ups: the ledger pulses after a commit, the planner after scheduling pushes for a channel.
/// Only hints: every loop also polls, so a missed pulse costs latency, never a push.
/// </summary>
public sealed class InventorySignals
{
    private const string LedgerKey = "\u0000ledger";
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.OrdinalIgnoreCase);

    public void LedgerChanged() => Pulse(LedgerKey);

    public Task WaitForLedgerChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => Wait(LedgerKey, timeout, cancellationToken);

    public void PushesScheduled(string channel) => Pulse(channel);

    public Task WaitForPushesAsync(string channel, TimeSpan timeout, CancellationToken cancellationToken) => Wait(channel, timeout, cancellationToken);

    private void Pulse(string key)
    {
        var signal = _signals.GetOrAdd(key, _ => new SemaphoreSlim(0, 1));
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else pulsed first; one wake-up is enough.
            }
        }
    }

    private Task<bool> Wait(string key, TimeSpan timeout, CancellationToken cancellationToken) =>
        _signals.GetOrAdd(key, _ => new SemaphoreSlim(0, 1)).WaitAsync(timeout, cancellationToken);
}
