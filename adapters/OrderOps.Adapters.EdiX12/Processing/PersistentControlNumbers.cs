using System.Globalization;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>
/// ISA13 values for everything we send a partner (997s, 846s…) from one persisted counter per partner interchange id,
/// so no two of our interchanges to a partner ever share a control number. Serialised within the process; the
/// standalone host is one process, and on Azure the timer and the intake of one partner rarely overlap — a shared
/// counter across instances would need the store's optimistic concurrency, which this does not claim.
/// </summary>
public sealed class PersistentControlNumbers(ICheckpointStore checkpoints) : IAcknowledgmentControlNumbers, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ValueTask<int> NextAsync(InterchangeHeader inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return new ValueTask<int>(NextForAsync(inbound.SenderQualifier, inbound.SenderId, cancellationToken));
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>The next control number for interchanges to the partner with this ISA05/ISA06.</summary>
    public async Task<int> NextForAsync(string qualifier, string interchangeId, CancellationToken cancellationToken)
    {
        var name = $"edi:outbound-isa13:{qualifier.Trim()}:{interchangeId.Trim()}";
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = int.TryParse(await checkpoints.GetAsync(name, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            var next = current >= 999_999_999 ? 1 : current + 1;
            await checkpoints.SetAsync(name, next.ToString(CultureInfo.InvariantCulture), cancellationToken);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }
}
