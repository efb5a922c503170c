using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderOps.Adapters.Amazon.Tests.Fake;

/// <summary>
/// confirmShipment as Amazon documents it: the body is checked against ordersV0.json's ConfirmShipmentRequest (an
/// invalid one gets Amazon's published sandbox 400 body), packages are kept per order and packageReferenceId (the same
/// id again edits the package, as Amazon's "Confirm the shipment status" guide says), shipped quantities show up in
/// the v2026-01-01 order's <c>orderItems[].fulfillment.quantityFulfilled</c> and its <c>fulfillmentStatus</c>, and a
/// package for items with nothing left to ship is refused with 400.
/// </summary>
public sealed partial class FakeSellingPartnerApi
{
    /// <summary>The error text a developer reported Amazon answers for an order already fulfilled (selling-partner-api-models issue 5037).</summary>
    public const string AlreadyFulfilledMessage = "Failed to create package due to not finding a matching package or order already fulfilled.";

    private readonly Dictionary<(string OrderId, string PackageReferenceId), JsonObject> _packages = new();

    /// <summary>Every body-carrying request as received (SP-API and presigned uploads).</summary>
    public ConcurrentQueue<ReceivedBody> Bodies { get; } = new();

    /// <summary>Confirmed packages by order and packageReferenceId (the latest edit of each).</summary>
    public IReadOnlyDictionary<(string OrderId, string PackageReferenceId), JsonObject> Packages
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<(string, string), JsonObject>(_packages);
            }
        }
    }

    /// <summary>The order as the fake holds it now (its fulfillmentStatus follows shipments and cancellations).</summary>
    public JsonObject? Order(string amazonOrderId)
    {
        lock (_lock)
        {
            return _orders.FirstOrDefault(o => o.Order["orderId"]?.GetValue<string>() == amazonOrderId)?.Order.DeepClone() as JsonObject;
        }
    }

    /// <summary>The order's fulfillment.fulfillmentStatus as the fake holds it now.</summary>
    public string? Status(string amazonOrderId) => Order(amazonOrderId)?["fulfillment"]?["fulfillmentStatus"]?.GetValue<string>();

    private static void SetStatus(JsonObject order, string status)
    {
        if (order["fulfillment"] is not JsonObject fulfillment)
        {
            order["fulfillment"] = fulfillment = [];
        }

        fulfillment["fulfillmentStatus"] = status;
    }

    private void MapShipmentConfirmation(WebApplication app) =>
        app.MapPost("/orders/v0/orders/{orderId}/shipmentConfirmation", ConfirmShipmentAsync);

    private async Task ConfirmShipmentAsync(HttpContext context, string orderId)
    {
        var text = await Record(context, "confirmShipment");
        var seller = await AdmitAsync(context, "confirmShipment");
        if (seller is null)
        {
            return;
        }

        if (Parse(text) is not { } body || !IsValid(body, out var package))
        {
            await WriteText(context, HttpStatusCode.BadRequest, Fixtures.ConfirmShipmentBadRequestBody());
            return;
        }

        lock (_lock)
        {
            var stored = _orders.FirstOrDefault(o => o.SellerId == seller && o.Order["orderId"]?.GetValue<string>() == orderId);
            var items = (stored?.Order["orderItems"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            if (stored is null)
            {
                context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            }
            else if (stored.Order["salesChannel"]?["marketplaceId"]?.GetValue<string>() != body["marketplaceId"]!.GetValue<string>())
            {
                context.Response.StatusCode = (int)HttpStatusCode.BadRequest;
            }
            else if (TryShip(orderId, items, package))
            {
                SetStatus(stored.Order, items.All(i => Shipped(i) >= Quantity(i, "quantityOrdered")) ? "SHIPPED" : "PARTIALLY_SHIPPED");
                context.Response.StatusCode = (int)HttpStatusCode.NoContent;
                return;
            }
            else
            {
                context.Response.StatusCode = (int)HttpStatusCode.BadRequest;
            }
        }

        var (code, message) = context.Response.StatusCode == (int)HttpStatusCode.NotFound
            ? ("NotFound", "The specified resource does not exist.")
            : ("InvalidInput", AlreadyFulfilledMessage);
        await WriteErrors(context, (HttpStatusCode)context.Response.StatusCode, code, message);
    }

    /// <summary>Applies the package (replacing an earlier one with the same id) when every item has that much left to ship.</summary>
    private bool TryShip(string orderId, List<JsonObject> items, JsonObject package)
    {
        var reference = package["packageReferenceId"]!.GetValue<string>();
        _packages.TryGetValue((orderId, reference), out var previous);
        var byId = items.ToDictionary(i => i["orderItemId"]!.GetValue<string>(), StringComparer.Ordinal);
        var wanted = Lines(package);
        var before = previous is null ? new Dictionary<string, int>() : Lines(previous);
        foreach (var (itemId, quantity) in wanted)
        {
            if (!byId.TryGetValue(itemId, out var item)
                || Shipped(item) - before.GetValueOrDefault(itemId) + quantity > Quantity(item, "quantityOrdered"))
            {
                return false;
            }
        }

        foreach (var (itemId, quantity) in before)
        {
            SetShipped(byId[itemId], Shipped(byId[itemId]) - quantity);
        }

        foreach (var (itemId, quantity) in wanted)
        {
            SetShipped(byId[itemId], Shipped(byId[itemId]) + quantity);
        }

        _packages[(orderId, reference)] = package;
        return true;
    }

    /// <summary>ConfirmShipmentRequest / PackageDetail / ConfirmShipmentOrderItem as ordersV0.json defines them.</summary>
    private static bool IsValid(JsonObject body, out JsonObject package)
    {
        package = body["packageDetail"] as JsonObject ?? [];
        return IsText(body["marketplaceId"])
            // "Only positive numeric values are supported", typed string (a JSON number is refused as an invalid type).
            && IsText(package["packageReferenceId"]) && long.TryParse(package["packageReferenceId"]!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var reference) && reference > 0
            && IsText(package["carrierCode"])
            && (package["carrierCode"]!.GetValue<string>() != "Other" || IsText(package["carrierName"]))
            && IsText(package["trackingNumber"])
            && IsText(package["shipDate"]) && DateTimeOffset.TryParseExact(package["shipDate"]!.GetValue<string>(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && package["orderItems"] is JsonArray { Count: > 0 } lines
            && lines.All(l => l is JsonObject line && IsText(line["orderItemId"]) && line["quantity"] is JsonValue q && q.TryGetValue<int>(out var n) && n > 0);
    }

    private static Dictionary<string, int> Lines(JsonObject package) =>
        package["orderItems"]!.AsArray().OfType<JsonObject>()
            .GroupBy(l => l["orderItemId"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(l => l["quantity"]!.GetValue<int>()), StringComparer.Ordinal);

    private static int Shipped(JsonObject item) => item["fulfillment"] is JsonObject fulfillment ? Quantity(fulfillment, "quantityFulfilled") : 0;

    private static void SetShipped(JsonObject item, int shipped)
    {
        if (item["fulfillment"] is not JsonObject fulfillment)
        {
            item["fulfillment"] = fulfillment = [];
        }

        fulfillment["quantityFulfilled"] = shipped;
        fulfillment["quantityUnfulfilled"] = Quantity(item, "quantityOrdered") - shipped;
    }

    private static int Quantity(JsonObject item, string name) =>
        item[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 0;

    private static bool IsText(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0;

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<string> Record(HttpContext context, string operation)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        Bodies.Enqueue(new ReceivedBody(operation, context.Request.Method, context.Request.Path.Value ?? string.Empty,
            context.Request.Headers["x-amz-access-token"].ToString(), context.Request.ContentType, text));
        return text;
    }
}

/// <summary>A request with a body: the operation, method, path, the access token it carried, its Content-Type and body.</summary>
public sealed record ReceivedBody(string Operation, string Method, string Path, string AccessToken, string? ContentType, string Body);
