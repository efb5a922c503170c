using System.Collections.Concurrent;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// In-process wake-up: the ledger pulses after a commit, for a planner that follows its change log in a loop.
/// Only a hint: such a loop also polls, so a missed pulse costs latency, never a push.
/// </summary>
public sealed class InventorySignals
{
    private const string LedgerKey = "\u0000ledger";
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.OrdinalIgnoreCase);

    public void LedgerChanged() => Pulse(LedgerKey);

    public Task WaitForLedgerChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => Wait(LedgerKey, timeout, cancellationToken);

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
