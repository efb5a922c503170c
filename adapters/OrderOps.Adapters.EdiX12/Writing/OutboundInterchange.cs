using System.Globalization;
using OrderOps.Adapters.EdiX12.Configuration;

namespace OrderOps.Adapters.EdiX12.Writing;

/// <summary>What sets one business document's envelopes apart: group and set ids, control number, time, version.</summary>
/// <param name="FunctionalIdentifier">GS01, e.g. IB (846), PR (855), SH (856).</param>
/// <param name="TransactionSet">ST01, e.g. 855.</param>
/// <param name="ControlNumber">ISA13, and GS06 too: there is one group per interchange.</param>
/// <param name="Version">GS08, e.g. 004010 or the partner's own 004010VICS.</param>
public sealed record OutboundEnvelope(string FunctionalIdentifier, string TransactionSet, int ControlNumber, DateTimeOffset CreatedAt, string Version = "004010");

/// <summary>
/// Writes one interchange from us to a configured partner with one functional group holding one transaction set: the
/// shape of every business document we send (846, 855, 856). ISA from our id (<see cref="EdiOptions.InterchangeReceiverId"/>)
/// to the partner's ISA id, in the partner's separators (<see cref="EdiPartnerOptions.OutboundSeparators"/>), ISA12
/// 00401, production; GS from our id to the partner's GS id (its <c>ApplicationSenderId</c>, else its ISA id); GS06 =
/// ISA13; ST02 0001. The caller writes the set's body; the writer closes every envelope with its counts.
/// </summary>
public static class OutboundInterchange
{
    /// <exception cref="ArgumentException">The partner is not configured, or a value holds one of the partner's separators.</exception>
    public static string Write(EdiOptions options, string partnerId, OutboundEnvelope envelope, Action<X12Writer> writeBody)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(writeBody);
        if (!options.Partners.TryGetValue(partnerId, out var partner))
        {
            throw new ArgumentException($"EDI partner '{partnerId}' is not configured.", nameof(partnerId));
        }

        var separators = partner.OutboundSeparators() ?? throw new ArgumentException($"EDI partner '{partnerId}' has unusable separators.", nameof(partnerId));
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new X12Writer(text, separators);
        writer.BeginInterchange(new X12InterchangeEnvelope
        {
            SenderQualifier = options.InterchangeReceiverQualifier.Trim(),
            SenderId = options.InterchangeReceiverId.Trim(),
            ReceiverQualifier = partner.InterchangeSenderQualifier.Trim(),
            ReceiverId = partner.InterchangeSenderId.Trim(),
            CreatedAt = envelope.CreatedAt,
            ControlNumber = envelope.ControlNumber,
        });
        writer.BeginGroup(envelope.FunctionalIdentifier, options.InterchangeReceiverId.Trim(), (partner.ApplicationSenderId ?? partner.InterchangeSenderId).Trim(), envelope.CreatedAt, envelope.ControlNumber, envelope.Version);
        writer.BeginTransactionSet(envelope.TransactionSet);
        writeBody(writer);
        writer.EndTransactionSet();
        writer.EndGroup();
        writer.EndInterchange();
        return text.ToString();
    }
}
