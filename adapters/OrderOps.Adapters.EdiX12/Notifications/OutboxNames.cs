using System.Text;

namespace OrderOps.Adapters.EdiX12.Notifications;

/// <summary>
/// Names of the documents in the <c>edi-outbox</c> container, one fixed name per order and document (and shipment):
/// <c>{partner}/855-{PO}.x12</c> (acceptance), <c>{partner}/855-{PO}_cancel.x12</c> (the rejection when the order is
/// cancelled), <c>{partner}/856-{PO}_{shipment}.x12</c>. Ids are escaped so any PO number or shipment id makes a safe
/// file and blob name: characters other than letters, digits, '-' and '.' become %XX (UTF-8), so '_' only ever
/// separates and no two documents can share a name.
/// </summary>
internal static class OutboxNames
{
    public const string Container = "edi-outbox";

    public static string Acceptance(string partnerId, string poNumber) => $"{partnerId}/855-{Escape(poNumber)}.x12";

    public static string Cancellation(string partnerId, string poNumber) => $"{partnerId}/855-{Escape(poNumber)}_cancel.x12";

    public static string Shipment(string partnerId, string poNumber, string shipmentId) => $"{partnerId}/856-{Escape(poNumber)}_{Escape(shipmentId)}.x12";

    private static string Escape(string id)
    {
        var text = new StringBuilder(id.Length);
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
