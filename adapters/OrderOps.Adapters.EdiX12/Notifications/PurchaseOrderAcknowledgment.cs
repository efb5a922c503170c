using System.Globalization;
using OrderOps.Adapters.EdiX12.PurchaseOrders;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Notifications;

/// <summary>What an 855 tells the partner about its PO.</summary>
internal enum AcknowledgmentKind
{
    /// <summary>BAK*00*AD (acknowledge with detail, no change); each PO1 echoed with ACK*IA and its quantity.</summary>
    Accepted,

    /// <summary>BAK*00*RJ (rejected, no detail): cancelled before we acknowledged it, so no line detail.</summary>
    Rejected,

    /// <summary>BAK*05*RD (replace, reject with detail): replaces our earlier AD; each PO1 echoed with ACK*IR and 0.</summary>
    RejectedAfterAcceptance,
}

/// <summary>
/// The body (between ST and SE) of an X12 855 Purchase Order Acknowledgment. BAK03/BAK04 carry the PO number and date
/// from the 850 (BEG03/BEG05), BAK05 its release (BEG04), BAK09 the date of this acknowledgment. Lines echo each PO1
/// exactly as the partner sent it (line number, quantity, unit, price, product ids) followed by its free-form PID and
/// an ACK; ACK02/ACK03 carry the quantity we will supply in the partner's unit, omitted together when the 850 gave no
/// unit (X12 pairs them). CTT01 counts the PO1 segments, CTT02 sums ACK02, as the published 855 in the tests' fixtures
/// does (<c>x12_nodex12_855.edi</c>: <c>ACK*IR*0*UN</c> for rejected lines, <c>CTT*4*5</c>).
/// </summary>
internal static class PurchaseOrderAcknowledgment
{
    public static void Write(X12Writer writer, CanonicalOrder order, OriginalPurchaseOrder po, AcknowledgmentKind kind, DateTimeOffset createdAt)
    {
        var (purpose, type, lineStatus) = kind switch
        {
            AcknowledgmentKind.Accepted => ("00", "AD", "IA"),
            AcknowledgmentKind.Rejected => ("00", "RJ", null),
            _ => ("05", "RD", "IR"),
        };
        writer.WriteSegment("BAK", purpose, type, order.ChannelOrderId, X12Text.Date(order.PlacedAt), po.Release, null, null, null, X12Text.Date(createdAt));
        if (lineStatus is null)
        {
            return;
        }

        var hashTotal = 0m;
        foreach (var line in po.Lines)
        {
            writer.WriteSegment("PO1", X12Text.ElementsOf(line.Po1));
            if (line.Description is { } description)
            {
                writer.WriteSegment("PID", X12Text.ElementsOf(description));
            }

            var quantity = lineStatus == "IA" ? line.Quantity : "0";
            writer.WriteSegment("ACK", lineStatus, line.UnitOfMeasure is null ? null : quantity, line.UnitOfMeasure);
            hashTotal += line.UnitOfMeasure is not null && decimal.TryParse(quantity, NumberStyles.Number, CultureInfo.InvariantCulture, out var q) ? q : 0;
        }

        writer.WriteSegment("CTT", po.Lines.Count.ToString(CultureInfo.InvariantCulture), X12Text.Number(hashTotal));
    }
}
