using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Adapters.EdiX12.PurchaseOrders;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Notifications;

/// <summary>
/// Tells a trading partner what happened to its purchase order, as X12 documents left in the <c>edi-outbox</c>
/// container for the partner to collect (<see cref="OutboxNames"/>): an 855 when the order is accepted, an 856 per
/// shipment, an 855 rejection when the order is cancelled here. The partner is the order's <c>channelAccount</c>
/// (the 850 mapper puts the partner id there); its envelope settings come from <c>Channels:Edi:Partners</c>.
/// </summary>
/// <remarks>
/// <para><b>Idempotency.</b> The lifecycle repeats a call when it crashed before saving that the call was made. Each
/// document has one fixed name per order (and shipment), its ISA13 and creation time are assigned once and kept
/// (<see cref="PersistentControlNumbers.AssignForDocumentAsync"/>), and it is written with
/// <see cref="IOutboundDocuments.CreateIfAbsentAsync"/>: a repeat finds the document there and leaves it alone, two
/// racing runs write it once, and even if a partner removed the document after collecting it, a repeat writes the
/// identical interchange again (same ISA13, which the partner's duplicate check rejects) — never a second, different
/// one. The outbox is also the record of what the partner was sent: whether an acceptance 855 exists decides the kind
/// of rejection, so collected documents should be copied or archived, not deleted.</para>
/// <para><b>Cancellation</b> (decided here; partners' guides differ, the 865 is X12's set for seller-initiated
/// changes to an acknowledged PO):</para>
/// <list type="bullet">
/// <item>Cancelled before we acknowledged the PO (no acceptance 855 written: failed validation, rejected at review):
/// an 855 <c>BAK*00*RJ</c>, rejected without detail — the PO is refused as a whole.</item>
/// <item>Cancelled after our acceptance 855 (out of stock, operator cancel, release failure): an 855 <c>BAK*05*RD</c>
/// replacing our acceptance, every PO1 echoed with <c>ACK*IR</c>. It is the set every partner we send 855s to
/// already processes and carries the same line detail an 865 would; a partner whose guide demands an 865 for changes
/// after acknowledgement needs an 865 writer, which is not built.</item>
/// <item>Cancelled at the partner's request (<c>requestedByChannel</c>: a cancellation 850, BEG01 = 01 — the 860
/// change order is not parsed yet): nothing is sent. The partner's own document was acknowledged by the 997
/// returned for it, and answering a buyer's cancellation with a rejection 855 would read as us refusing the order.
/// The 865 reply some guides ask for with an 860 belongs with 860 support.</item>
/// </list>
/// <para>Failures the operator can fix (unknown partner, an order without its 850 text, a shipped line the PO does not
/// have, a value holding one of the partner's separators) answer Failed with the reason; nothing is written.
/// Storage errors propagate, so the lifecycle's message is retried.</para>
/// </remarks>
public sealed class EdiChannelNotifier(EdiOptions options, PersistentControlNumbers controlNumbers, IOutboundDocuments outbox, TimeProvider time) : IChannelNotifier
{
    public string Channel => Channels.Edi;

    public async Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (Resolve(order) is not { } context)
        {
            return Problem(order);
        }

        return await DeliverAsync(context, "PR", "855", OutboxNames.Acceptance(context.PartnerId, order.ChannelOrderId),
            (writer, createdAt) => PurchaseOrderAcknowledgment.Write(writer, order, context.Po, AcknowledgmentKind.Accepted, createdAt), cancellationToken);
    }

    public async Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipment);
        if (Resolve(order) is not { } context)
        {
            return Problem(order);
        }

        var lines = new List<ShippedOriginalLine>();
        foreach (var shipped in shipment.Lines.GroupBy(l => l.LineId, StringComparer.Ordinal))
        {
            if (context.Po.Line(shipped.Key) is not { } line)
            {
                return ChannelNotifyResult.Failed($"Shipment '{shipment.ShipmentId}' names line '{shipped.Key}', which PO {order.ChannelOrderId} does not have; no 856 was written.");
            }

            lines.Add(new ShippedOriginalLine(line, shipped.Sum(l => l.Quantity)));
        }

        if (lines.Count == 0 || lines.Any(l => l.Quantity <= 0))
        {
            return ChannelNotifyResult.Failed($"Shipment '{shipment.ShipmentId}' ships nothing; no 856 was written.");
        }

        return await DeliverAsync(context, "SH", "856", OutboxNames.Shipment(context.PartnerId, order.ChannelOrderId, shipment.ShipmentId),
            (writer, createdAt) => ShipNotice.Write(writer, order, context.Po, shipment, lines, createdAt), cancellationToken);
    }

    public async Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (requestedByChannel)
        {
            return new ChannelNotifyResult(ChannelNotifyStatus.NotApplicable, "The partner asked for the cancellation; its document was acknowledged with a 997.");
        }

        if (Resolve(order) is not { } context)
        {
            return Problem(order);
        }

        var accepted = await outbox.ReadAsync(OutboxNames.Container, OutboxNames.Acceptance(context.PartnerId, order.ChannelOrderId), cancellationToken) is not null;
        var kind = accepted ? AcknowledgmentKind.RejectedAfterAcceptance : AcknowledgmentKind.Rejected;
        return await DeliverAsync(context, "PR", "855", OutboxNames.Cancellation(context.PartnerId, order.ChannelOrderId),
            (writer, createdAt) => PurchaseOrderAcknowledgment.Write(writer, order, context.Po, kind, createdAt), cancellationToken);
    }

    private async Task<ChannelNotifyResult> DeliverAsync(PartnerOrder context, string functionalIdentifier, string transactionSet, string name, Action<X12Writer, DateTimeOffset> writeBody, CancellationToken cancellationToken)
    {
        var partner = context.Partner;
        var assignment = await controlNumbers.AssignForDocumentAsync(partner.InterchangeSenderQualifier, partner.InterchangeSenderId, name, time.GetUtcNow(), cancellationToken);
        string document;
        try
        {
            var envelope = new OutboundEnvelope(functionalIdentifier, transactionSet, assignment.ControlNumber, assignment.CreatedAt, context.Po.Version);
            document = OutboundInterchange.Write(options, context.PartnerId, envelope, writer => writeBody(writer, assignment.CreatedAt));
        }
        catch (ArgumentException e)
        {
            return ChannelNotifyResult.Failed($"The {transactionSet} for PO {context.PoNumber} cannot be written: {e.Message}");
        }

        var written = await outbox.CreateIfAbsentAsync(OutboxNames.Container, name, document, cancellationToken);
        return new ChannelNotifyResult(ChannelNotifyStatus.Done, written
            ? $"{transactionSet} written to {OutboxNames.Container}/{name} (ISA13 {assignment.ControlNumber:D9})."
            : $"{transactionSet} already in {OutboxNames.Container}/{name}; not written again.");
    }

    private PartnerOrder? Resolve(CanonicalOrder order) =>
        options.Partners.TryGetValue(order.ChannelAccount, out var partner) && OriginalPurchaseOrder.From(order) is { } po
            ? new PartnerOrder(order.ChannelAccount, partner, order.ChannelOrderId, po)
            : null;

    private ChannelNotifyResult Problem(CanonicalOrder order) =>
        ChannelNotifyResult.Failed(options.Partners.ContainsKey(order.ChannelAccount)
            ? $"Order {order.OrderId} carries no 850 text (channelMetadata.edi.x12) to echo its PO1 lines from; nothing was written."
            : $"EDI partner '{order.ChannelAccount}' of order {order.OrderId} is not configured (Channels:Edi:Partners:{order.ChannelAccount}); nothing was written.");

    private sealed record PartnerOrder(string PartnerId, EdiPartnerOptions Partner, string PoNumber, OriginalPurchaseOrder Po);
}
