using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// What the poller archives for one order. Orders API v2026-01-01 (<c>searchOrders</c>): the <c>Order</c> object exactly
/// as Amazon sent it, items included. Payloads archived by the v0 poller (<c>getOrders</c>) are
/// <c>{"order": &lt;v0 Order&gt;, "items": [&lt;v0 OrderItem&gt;...]}</c> and are still read, so messages queued before
/// the move are not lost. Amazon's objects are kept verbatim so the payload can be re-mapped later by a better mapper.
/// </summary>
public static class AmazonOrderDocument
{
    public const string OrderProperty = "order";
    public const string ItemsProperty = "items";

    public static byte[] Serialize(JsonObject order) => Encoding.UTF8.GetBytes(order.ToJsonString());

    /// <summary>Reads a v2026-01-01 document back; null when it is not a JSON object.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static JsonObject? Parse(ReadOnlySpan<byte> body) => JsonNode.Parse(body) as JsonObject;

    /// <summary>Reads a document of the v0 poller back; <c>null</c> parts when absent.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static (JsonObject? Order, JsonArray? Items) ParseV0(ReadOnlySpan<byte> body)
    {
        var root = JsonNode.Parse(body) as JsonObject;
        return (root?[OrderProperty] as JsonObject, root?[ItemsProperty] as JsonArray);
    }

    /// <summary>The v0 shape, kept for tests and tools that replay payloads archived before the move.</summary>
    public static byte[] SerializeV0(JsonObject order, IEnumerable<JsonObject> items)
    {
        var document = new JsonObject
        {
            [OrderProperty] = order.DeepClone(),
            [ItemsProperty] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }
}
