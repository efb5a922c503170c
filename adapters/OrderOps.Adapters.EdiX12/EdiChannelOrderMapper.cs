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
public sealed class EdiChannelOrderMapper : IStreamingChannelOrderMapper
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

        Check(payload, result);
        return result.Orders;
    }

    /// <summary>
    /// Two streamed passes over the archived file: the first checks every interchange's sender (nothing is stored from a
    /// file that holds a stranger's interchange), the second hands the orders on one by one.
    /// </summary>
    public async Task MapAsync(RawPayload payload, Func<CancellationToken, Task<Stream>> openBody, Func<CanonicalOrder, CancellationToken, ValueTask> onOrder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(openBody);
        ArgumentNullException.ThrowIfNull(onOrder);
        try
        {
            var checking = await _processor.ProcessAsync(await openBody(cancellationToken), static (_, _) => ValueTask.CompletedTask, cancellationToken);
            Check(payload, checking);
            await _processor.ProcessAsync(await openBody(cancellationToken), onOrder, cancellationToken);
        }
        catch (X12ParseException error)
        {
            throw new ChannelPayloadException($"Payload {payload.Id} is not readable X12: {error.Message}", error);
        }
    }

    private static void Check(RawPayload payload, EdiProcessingResult result)
    {
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
    }
}
