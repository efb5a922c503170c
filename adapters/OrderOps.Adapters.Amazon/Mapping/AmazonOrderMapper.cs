using System.Text.Json;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// Maps an archived Amazon payload to one <see cref="CanonicalOrder"/>. Payloads of kind <c>searchOrders</c> are Orders
/// API v2026-01-01 orders (<see cref="AmazonV2026OrderMapper"/>); payloads of kind <c>getOrders</c> were archived by the
/// v0 poller and are still mapped (<see cref="AmazonV0OrderMapper"/>), so nothing queued before the move is lost. Pure:
/// no I/O, so any archived payload can be replayed.
/// </summary>
public sealed class AmazonOrderMapper : IChannelOrderMapper
{
    /// <summary>Kind of payloads archived by the Orders API v0 poller.</summary>
    public const string V0IngestKind = "getOrders";

    public string Channel => Channels.Amazon;

    public IReadOnlyList<CanonicalOrder> Map(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (string.IsNullOrWhiteSpace(payload.Account))
        {
            throw new ChannelPayloadException($"Amazon payload '{payload.Id}' has no seller id (RawPayload.Account).");
        }

        try
        {
            return [payload.Kind == V0IngestKind ? MapV0(payload) : MapV2026(payload)];
        }
        catch (JsonException ex)
        {
            throw new ChannelPayloadException($"Amazon payload '{payload.Id}' is not JSON.", ex);
        }
        catch (FormatException ex)
        {
            throw new ChannelPayloadException($"Amazon payload '{payload.Id}': {ex.Message}", ex);
        }
    }

    private static CanonicalOrder MapV2026(RawPayload payload)
    {
        if (payload.Kind != AmazonOrderPoller.IngestKind)
        {
            throw new ChannelPayloadException($"Amazon payload '{payload.Id}' is of kind '{payload.Kind}'; expected '{AmazonOrderPoller.IngestKind}' or '{V0IngestKind}'.");
        }

        var order = AmazonOrderDocument.Parse(payload.Body.Span)
            ?? throw new ChannelPayloadException($"Amazon payload '{payload.Id}' is not an Order object.");
        return AmazonV2026OrderMapper.Map(payload.Account!, order);
    }

    private static CanonicalOrder MapV0(RawPayload payload)
    {
        var (order, items) = AmazonOrderDocument.ParseV0(payload.Body.Span);
        return order is null
            ? throw new ChannelPayloadException($"Amazon payload '{payload.Id}' has no \"order\" object.")
            : AmazonV0OrderMapper.Map(payload.Account!, order, items?.OfType<System.Text.Json.Nodes.JsonObject>().ToList() ?? []);
    }
}
