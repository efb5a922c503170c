using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// What the poller archives for one order: <c>{"order": &lt;Order as getOrders returns it&gt;, "items": [&lt;OrderItem&gt;...]}</c>.
/// Amazon's objects are kept verbatim so the payload can be re-mapped later by a better mapper.
/// </summary>
public static class AmazonOrderDocument
{
    public const string OrderProperty = "order";
    public const string ItemsProperty = "items";

    public static byte[] Serialize(JsonObject order, IEnumerable<JsonObject> items)
    {
        var document = new JsonObject
        {
            [OrderProperty] = order.DeepClone(),
            [ItemsProperty] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }

    /// <summary>Reads a document back; <c>null</c> parts when absent.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static (JsonObject? Order, JsonArray? Items) Parse(ReadOnlySpan<byte> body)
    {
        var root = JsonNode.Parse(body) as JsonObject;
        return (root?[OrderProperty] as JsonObject, root?[ItemsProperty] as JsonArray);
    }
}
