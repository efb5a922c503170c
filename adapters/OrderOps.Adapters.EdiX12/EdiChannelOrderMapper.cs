using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12;

/// <summary>
/// The ingest function's mapper for channel "edi": re-reads an archived interchange and returns the orders of its
/// accepted 850 sets. Pure (no duplicate store, no I/O): duplicate and acknowledgment handling happened when the
/// interchange was received (<see cref="EdiInterchangeProcessor.ProcessAsync(Stream, Func{CanonicalOrder, CancellationToken, ValueTask}, CancellationToken)"/>).
/// The archived payload's <see cref="RawPayload.Account"/> holds the partner id; interchanges from anyone else are refused.
/// </summary>
public sealed class EdiChannelOrderMapper : IChannelOrderMapper
{
    private readonly EdiInterchangeProcessor _processor;

    public EdiChannelOrderMapper(EdiOptions options)
    {
        _processor = new EdiInterchangeProcessor(options);
    }

    public string Channel => Channels.Edi;

    public IReadOnlyList<CanonicalOrder> Map(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        EdiProcessingResult result;
        try
        {
            result = _processor.Process(payload.Body);
        }
        catch (X12ParseException error)
        {
            throw new ChannelPayloadException($"Payload {payload.Id} is not readable X12: {error.Message}", error);
        }

        foreach (var interchange in result.Interchanges)
        {
            if (interchange.Status == EdiInterchangeStatus.UnknownSender)
            {
                throw new ChannelPayloadException($"Payload {payload.Id} holds interchange {interchange.ControlNumber} from unknown sender {interchange.Header.SenderQualifier}/{interchange.Header.SenderId}.");
            }

            if (payload.Account is { } account && interchange.PartnerId != account)
            {
                throw new ChannelPayloadException($"Payload {payload.Id} was archived for partner '{account}' but interchange {interchange.ControlNumber} is from '{interchange.PartnerId}'.");
            }
        }

        return result.Orders;
    }
}
