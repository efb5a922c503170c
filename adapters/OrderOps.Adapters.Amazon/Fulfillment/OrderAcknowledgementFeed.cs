using System.Text;
using System.Xml;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Writes the <c>POST_ORDER_ACKNOWLEDGEMENT_DATA</c> feed (Amazon's OrderAcknowledgement.xsd inside amzn-envelope.xsd)
/// that cancels a seller-fulfilled order: StatusCode <c>Failure</c> ("sending status code Failure will automatically
/// cancel the order"), one <c>Item</c> per order item with its <c>CancelReason</c>. The feed type is listed among the
/// current Order feeds of the Feeds API; Amazon's XML deprecation covers product listings feeds, not this one.
/// </summary>
/// <remarks>
/// Amazon warns not to send Failure once any item of the order was confirmed shipped: it would refund the whole order.
/// The notifier therefore refuses to cancel an order Amazon shows as (partially) shipped.
/// </remarks>
public static class OrderAcknowledgementFeed
{
    public const string FeedType = "POST_ORDER_ACKNOWLEDGEMENT_DATA";

    /// <summary>The upload's Content-Type, given to createFeedDocument and to the upload alike.</summary>
    public const string ContentType = "text/xml; charset=UTF-8";

    /// <summary>OrderAcknowledgement.xsd <c>CancelReason</c> values.</summary>
    public static readonly IReadOnlySet<string> CancelReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled", "GeneralAdjustment",
        "CarrierCreditDecision", "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "CustomerReturn",
        "MerchandiseNotReceived",
    };

    /// <param name="merchantIdentifier">The seller id (merchant token) the feed is submitted for.</param>
    /// <param name="orderItemIds">Amazon OrderItemIds; none cancels the whole order without a reason.</param>
    public static byte[] Cancel(string merchantIdentifier, string amazonOrderId, IEnumerable<string> orderItemIds, string cancelReason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(merchantIdentifier);
        ArgumentException.ThrowIfNullOrWhiteSpace(amazonOrderId);
        if (!CancelReasons.Contains(cancelReason))
        {
            throw new ArgumentOutOfRangeException(nameof(cancelReason), cancelReason, "Not an OrderAcknowledgement.xsd CancelReason.");
        }

        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("AmazonEnvelope");
            xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            xml.WriteAttributeString("xsi", "noNamespaceSchemaLocation", "http://www.w3.org/2001/XMLSchema-instance", "amzn-envelope.xsd");
            xml.WriteStartElement("Header");
            xml.WriteElementString("DocumentVersion", "1.01");
            xml.WriteElementString("MerchantIdentifier", merchantIdentifier);
            xml.WriteEndElement();
            xml.WriteElementString("MessageType", "OrderAcknowledgement");
            xml.WriteStartElement("Message");
            xml.WriteElementString("MessageID", "1");
            xml.WriteStartElement("OrderAcknowledgement");
            xml.WriteElementString("AmazonOrderID", amazonOrderId);
            xml.WriteElementString("StatusCode", "Failure");
            foreach (var itemId in orderItemIds.Distinct(StringComparer.Ordinal))
            {
                xml.WriteStartElement("Item");
                xml.WriteElementString("AmazonOrderItemCode", itemId);
                xml.WriteElementString("CancelReason", cancelReason);
                xml.WriteEndElement();
            }

            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }
}
