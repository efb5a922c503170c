using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrderOps.Adapters.EdiX12.PurchaseOrders;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Notifications;

/// <summary>One shipped line of an 856: the 850 line it ships and how many of it.</summary>
internal sealed record ShippedOriginalLine(OriginalLine Line, int Quantity);

/// <summary>
/// The body (between ST and SE) of an X12 856 Ship Notice/Manifest for one shipment, in the hierarchy
/// shipment (S) → order (O) → item (I), <c>BSN05 = 0004</c>. Segment order and HL numbering follow the published 856
/// in the tests' fixtures (<c>x12_nodex12_856.edi</c>):
/// <code>
/// BSN*00*{shipment}*{date}*{time}*0004
/// HL*1**S   TD5 (carrier)  REF*CN (tracking)  DTM*011 (shipped, UTC)  N1*ST loop (echoed from the 850)
/// HL*2*1*O  PRF*{PO}*{release}**{PO date}
/// HL*n*2*I  LIN*{PO101}*{the PO1's product ids}  SN1*{PO101}*{shipped}*{PO103}  PID (echoed)   … per line
/// CTT*{HL count}*{sum of SN102}
/// </code>
/// No pack (P) level: OrderOps does not know the cartons (no SSCC-18 labels, no TD1 weights); partners that require
/// pick-and-pack detail need it from the fulfillment location first. The carrier goes to TD505 as reported, and also
/// to TD502/TD503 as a SCAC when it has a SCAC's usual shape (four capital letters, e.g. UPSN, FDEG). The ship-from
/// party (N1*SF) is left out: a location is only an id here, not an address.
/// </summary>
internal static class ShipNotice
{
    public static void Write(X12Writer writer, CanonicalOrder order, OriginalPurchaseOrder po, ShipmentNotice shipment, IReadOnlyList<ShippedOriginalLine> lines, DateTimeOffset createdAt)
    {
        writer.WriteSegment("BSN", "00", ShipmentIdentification(shipment.ShipmentId, writer), X12Text.Date(createdAt), X12Text.Time(createdAt), "0004");
        writer.WriteSegment("HL", "1", null, "S");
        if (shipment.Carrier?.Trim() is { Length: > 0 } carrier)
        {
            var scac = carrier.Length == 4 && carrier.All(char.IsAsciiLetterUpper);
            writer.WriteSegment("TD5", null, scac ? "2" : null, scac ? carrier : null, null, carrier);
        }

        if (shipment.TrackingNumber?.Trim() is { Length: > 0 } tracking)
        {
            writer.WriteSegment("REF", "CN", tracking);
        }

        writer.WriteSegment("DTM", "011", X12Text.Date(shipment.ShippedAt), X12Text.Time(shipment.ShippedAt), "UT");
        foreach (var party in po.ShipTo)
        {
            writer.WriteSegment(party[0], X12Text.ElementsOf(party));
        }

        writer.WriteSegment("HL", "2", "1", "O");
        writer.WriteSegment("PRF", order.ChannelOrderId, po.Release, null, X12Text.Date(order.PlacedAt));
        var level = 2;
        var shipped = 0;
        foreach (var (line, quantity) in lines)
        {
            level++;
            shipped += quantity;
            writer.WriteSegment("HL", level.ToString(CultureInfo.InvariantCulture), "2", "I");
            var ids = line.ProductIds().SelectMany(p => new[] { p.Qualifier, p.Id }).ToList();
            if (ids.Count == 0)
            {
                // LIN02/LIN03 are mandatory; an 850 line without product ids is identified by our SKU.
                ids = ["SK", order.LineItems.FirstOrDefault(l => l.LineId == line.LineId)?.Sku ?? line.LineId];
            }

            writer.WriteSegment("LIN", [line.AssignedId, .. ids]);
            writer.WriteSegment("SN1", line.AssignedId, quantity.ToString(CultureInfo.InvariantCulture), line.UnitOfMeasure ?? "EA");
            if (line.Description is { } description)
            {
                writer.WriteSegment("PID", X12Text.ElementsOf(description));
            }
        }

        writer.WriteSegment("CTT", level.ToString(CultureInfo.InvariantCulture), shipped.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// BSN02 (AN 2/30): the shipment id when it fits as it is; otherwise (a GUID, say, or a separator inside) 20
    /// hexadecimal digits of its SHA-256, which stays the same for the same shipment.
    /// </summary>
    public static string ShipmentIdentification(string shipmentId, X12Writer writer)
    {
        ArgumentNullException.ThrowIfNull(shipmentId);
        return shipmentId.Length is >= 2 and <= 30 && writer.Separators.AllowsInElement(shipmentId) && shipmentId.All(c => c is >= ' ' and <= '~')
            ? shipmentId
            : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(shipmentId)))[..20];
    }
}
