using System.Globalization;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Inventory;

namespace OrderOps.Adapters.EdiX12.InventoryAdvice;

/// <summary>
/// Writes an X12 846 Inventory Inquiry/Advice (004010) telling one partner what it may order: one interchange, one
/// <c>IB</c> group, one set with <c>BIA*00*DD</c> (original, distributor inventory report) and, per SKU, a
/// <c>LIN</c> (SK = the SKU) with <c>QTY*33</c> (quantity available for sale, each). Envelopes: <see cref="OutboundInterchange"/>.
/// </summary>
public static class InventoryAdviceWriter
{
    public static string Write(EdiOptions options, string partnerId, int controlNumber, DateTimeOffset createdAt, IEnumerable<AvailableToSell> quantities)
    {
        ArgumentNullException.ThrowIfNull(quantities);
        return OutboundInterchange.Write(options, partnerId, new OutboundEnvelope("IB", "846", controlNumber, createdAt), writer =>
        {
            var reference = controlNumber.ToString(CultureInfo.InvariantCulture);
            writer.WriteSegment("BIA", "00", "DD", reference, X12Text.Date(createdAt), X12Text.Time(createdAt));
            var line = 0;
            foreach (var quantity in quantities)
            {
                line++;
                writer.WriteSegment("LIN", line.ToString(CultureInfo.InvariantCulture), "SK", quantity.Sku);
                writer.WriteSegment("QTY", "33", quantity.Quantity.ToString(CultureInfo.InvariantCulture), "EA");
            }

            writer.WriteSegment("CTT", line.ToString(CultureInfo.InvariantCulture));
        });
    }
}
