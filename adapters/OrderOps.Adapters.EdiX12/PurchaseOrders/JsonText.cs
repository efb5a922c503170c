using System.Text.Json.Nodes;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

internal static class JsonText
{
    /// <summary>
    /// A JSON array of strings built through <see cref="JsonValue.Create(string?, JsonNodeOptions?)"/>: the generic
    /// <c>JsonArray.Add&lt;T&gt;</c> resolves serializer metadata per call and dominated the mapping profile.
    /// </summary>
    public static JsonArray Array(List<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add((JsonNode?)JsonValue.Create(value));
        }

        return array;
    }
}
