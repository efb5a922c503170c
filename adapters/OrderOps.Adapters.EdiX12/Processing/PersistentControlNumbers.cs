using System.Globalization;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>The ISA13 and creation time given to one outbound document, fixed the first time it was asked for.</summary>
public sealed record OutboundAssignment(int ControlNumber, DateTimeOffset CreatedAt);

/// <summary>
/// ISA13 values for everything we send a partner (997s, 846s, 855s, 856s) from one persisted counter per partner
/// interchange id, so no two of our interchanges to a partner ever share a control number. Serialised within the
/// process; the standalone host is one process, and on Azure the timer and the intake of one partner rarely overlap —
/// a shared counter across instances would need the store's optimistic concurrency, which this does not claim.
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
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await TakeNextAsync(qualifier, interchangeId, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The control number and creation time of the outbound document named <paramref name="documentKey"/> (e.g. its
    /// outbox name): assigned from the counter the first time, returned unchanged every time after. A document written
    /// again after a crash is then the same interchange, byte for byte, that the partner's duplicate check recognises,
    /// and a crash between assigning and writing leaves no gap in the partner's sequence. One small checkpoint per
    /// document is kept for good (the same order of growth as the orders themselves).
    /// </summary>
    public async Task<OutboundAssignment> AssignForDocumentAsync(string qualifier, string interchangeId, string documentKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentKey);
        var name = "edi:outbound-document:" + documentKey;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Parse(await checkpoints.GetAsync(name, cancellationToken)) is { } assigned)
            {
                return assigned;
            }

            // Whole seconds: the interchange carries minutes at most, and the stored form round-trips exactly.
            var assignment = new OutboundAssignment(await TakeNextAsync(qualifier, interchangeId, cancellationToken), DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()));
            await checkpoints.SetAsync(name, FormattableString.Invariant($"{assignment.ControlNumber}|{assignment.CreatedAt.ToUnixTimeSeconds()}"), cancellationToken);
            return assignment;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> TakeNextAsync(string qualifier, string interchangeId, CancellationToken cancellationToken)
    {
        var name = $"edi:outbound-isa13:{qualifier.Trim()}:{interchangeId.Trim()}";
        var current = int.TryParse(await checkpoints.GetAsync(name, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var next = current >= 999_999_999 ? 1 : current + 1;
        await checkpoints.SetAsync(name, next.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return next;
    }

    private static OutboundAssignment? Parse(string? stored)
    {
        var parts = stored?.Split('|');
        return parts is [var number, var seconds]
            && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var controlNumber)
            && long.TryParse(seconds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unix)
                ? new OutboundAssignment(controlNumber, DateTimeOffset.FromUnixTimeSeconds(unix))
                : null;
    }
}
