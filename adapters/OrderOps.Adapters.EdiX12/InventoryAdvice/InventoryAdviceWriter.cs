using System.Globalization;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Inventory;

namespace OrderOps.Adapters.EdiX12.InventoryAdvice;

/// <summary>
/// Writes an X12 846 Inventory Inquiry/Advice (004010) telling one partner what it may order: one interchange, one
/// <c>IB</c> group, one set with <c>BIA*00*DD</c> (original, distributor inventory report) and, per SKU, a
/// <c>LIN</c> (SK = the SKU) with <c>QTY*33</c> (quantity available for sale, each).
/// </summary>
public static class InventoryAdviceWriter
{
    public static string Write(EdiOptions options, string partnerId, int controlNumber, DateTimeOffset createdAt, IEnumerable<AvailableToSell> quantities)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(quantities);
        var partner = options.Partners[partnerId];
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new X12Writer(text, X12Separators.Default);
        writer.BeginInterchange(new X12InterchangeEnvelope
        {
            SenderQualifier = options.InterchangeReceiverQualifier,
            SenderId = options.InterchangeReceiverId,
            ReceiverQualifier = partner.InterchangeSenderQualifier,
            ReceiverId = partner.InterchangeSenderId,
            CreatedAt = createdAt,
            ControlNumber = controlNumber,
        });
        writer.BeginGroup("IB", options.InterchangeReceiverId, partner.ApplicationSenderId ?? partner.InterchangeSenderId, createdAt, controlNumber, "004010");
        writer.BeginTransactionSet("846");
        var reference = controlNumber.ToString(CultureInfo.InvariantCulture);
        writer.WriteSegment("BIA", "00", "DD", reference, createdAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), createdAt.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture));
        var line = 0;
        foreach (var quantity in quantities)
        {
            line++;
            writer.WriteSegment("LIN", line.ToString(CultureInfo.InvariantCulture), "SK", quantity.Sku);
            writer.WriteSegment("QTY", "33", quantity.Quantity.ToString(CultureInfo.InvariantCulture), "EA");
        }

        writer.WriteSegment("CTT", line.ToString(CultureInfo.InvariantCulture));
        writer.EndTransactionSet();
        writer.EndGroup();
        writer.EndInterchange();
        return text.ToString();
    }
}
