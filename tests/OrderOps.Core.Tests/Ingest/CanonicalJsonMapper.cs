using System.Text.Json;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Tests.Ingest;

/// <summary>A test channel whose payloads are canonical orders already, so ingest rules can be tested alone.</summary>
internal sealed class CanonicalJsonMapper : IChannelOrderMapper
{
    public string Channel => Channels.Shopify;

    public IReadOnlyList<CanonicalOrder> Map(RawPayload payload)
    {
        try
        {
            return [JsonSerializer.Deserialize<CanonicalOrder>(payload.Body.Span, OrderOpsJson.Options)!];
        }
        catch (JsonException ex)
        {
            throw new ChannelPayloadException("not a canonical order", ex);
        }
    }
}
