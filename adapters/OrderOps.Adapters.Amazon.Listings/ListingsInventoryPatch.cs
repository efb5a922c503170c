using System.Text.Json.Serialization;

namespace OrderOps.Adapters.Amazon.Listings;

/// <summary>
/// The <c>ListingsItemPatchRequest</c> body that sets only the quantity: a JSON Patch <c>merge</c> on
/// <c>/attributes/fulfillment_availability</c> with the selector <c>fulfillment_channel_code</c>, which leaves
/// restock_date and lead_time_to_ship_max_days as they are (Amazon's "Merge a listing" tutorial).
/// </summary>
public sealed record ListingsInventoryPatch(
    [property: JsonPropertyName("productType")] string ProductType,
    [property: JsonPropertyName("patches")] IReadOnlyList<PatchOperation> Patches)
{
    public static ListingsInventoryPatch ForQuantity(string productType, string fulfillmentChannelCode, int quantity) =>
        new(productType, [new PatchOperation("merge", "/attributes/fulfillment_availability", [new FulfillmentAvailability(fulfillmentChannelCode, quantity)])]);
}

public sealed record PatchOperation(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("value")] IReadOnlyList<FulfillmentAvailability> Value);

public sealed record FulfillmentAvailability(
    [property: JsonPropertyName("fulfillment_channel_code")] string FulfillmentChannelCode,
    [property: JsonPropertyName("quantity")] int Quantity);

/// <summary>The parts of <c>ListingsItemSubmissionResponse</c> the publisher reads.</summary>
public sealed record ListingsSubmissionResponse(
    [property: JsonPropertyName("sku")] string? Sku,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("submissionId")] string? SubmissionId,
    [property: JsonPropertyName("issues")] IReadOnlyList<ListingsIssue>? Issues);

public sealed record ListingsIssue(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("severity")] string? Severity);
