using System.Globalization;
using OrderOps.Adapters.EdiX12.Envelopes;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>Hands out ISA13 values for outbound acknowledgment interchanges.</summary>
public interface IAcknowledgmentControlNumbers
{
    ValueTask<int> NextAsync(InterchangeHeader inbound, CancellationToken cancellationToken);
}

/// <summary>
/// Reuses the inbound ISA13 as the acknowledgment's ISA13. Deterministic (a replay produces the same 997) and unique
/// towards a partner as long as we send that partner nothing but acknowledgments; a host that also sends 855/856/810
/// must supply a persistent counter instead.
/// </summary>
public sealed class EchoInboundControlNumbers : IAcknowledgmentControlNumbers
{
    public static EchoInboundControlNumbers Instance { get; } = new();

    public ValueTask<int> NextAsync(InterchangeHeader inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return ValueTask.FromResult(For(inbound));
    }

    internal static int For(InterchangeHeader inbound) =>
        int.TryParse(inbound.ControlNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 999_999_999 ? n : 1;
}
