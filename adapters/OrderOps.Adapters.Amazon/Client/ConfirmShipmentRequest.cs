using System.Globalization;
using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// The body of Orders API v0 <c>confirmShipment</c> (<c>ConfirmShipmentRequest</c> in ordersV0.json): a marketplace
/// and one package. Only the fields this adapter can fill truthfully are modelled; <c>shipFromSupplySourceId</c>,
/// <c>transparencyCodes</c> and <c>codCollectionMethod</c> (JP only) are optional and left out.
/// </summary>
public sealed record ConfirmShipmentRequest(string MarketplaceId, PackageDetail PackageDetail)
{
    public JsonObject ToJson() => new()
    {
        ["marketplaceId"] = MarketplaceId,
        ["packageDetail"] = PackageDetail.ToJson(),
    };
}

/// <summary>
/// <c>PackageDetail</c>: required <c>packageReferenceId</c>, <c>carrierCode</c>, <c>trackingNumber</c>, <c>shipDate</c>,
/// <c>orderItems</c>; <c>carrierName</c> is required when <c>carrierCode</c> is "Other".
/// </summary>
/// <param name="PackageReferenceId">
/// "Only positive numeric values are supported", sent as a JSON string (the model types it as string; Amazon rejects
/// a JSON number with "invalid type [packageDetail.packageReferenceId]").
/// </param>
public sealed record PackageDetail(
    string PackageReferenceId,
    string CarrierCode,
    string? CarrierName,
    string? ShippingMethod,
    string TrackingNumber,
    DateTimeOffset ShipDate,
    IReadOnlyList<ConfirmShipmentItem> OrderItems)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["packageReferenceId"] = PackageReferenceId,
            ["carrierCode"] = CarrierCode,
        };
        if (CarrierName is { Length: > 0 })
        {
            json["carrierName"] = CarrierName;
        }

        if (ShippingMethod is { Length: > 0 })
        {
            json["shippingMethod"] = ShippingMethod;
        }

        json["trackingNumber"] = TrackingNumber;
        // ISO 8601 in UTC with milliseconds, the form of Amazon's published sandbox request.
        json["shipDate"] = ShipDate.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        json["orderItems"] = new JsonArray(OrderItems.Select(i => (JsonNode)new JsonObject { ["orderItemId"] = i.OrderItemId, ["quantity"] = i.Quantity }).ToArray());
        return json;
    }
}

/// <summary><c>ConfirmShipmentOrderItem</c>: an Amazon OrderItemId and how many of it are in the package.</summary>
public sealed record ConfirmShipmentItem(string OrderItemId, int Quantity);
