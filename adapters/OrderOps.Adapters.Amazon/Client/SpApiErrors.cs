using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Client;

internal static class SpApiErrors
{
    /// <summary>Reads Amazon's <c>{"errors":[...]}</c>; an empty list when the body has none.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static IReadOnlyList<SpApiError> Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return [];
        }

        var node = JsonNode.Parse(body);
        if (node is not JsonObject root || root["errors"] is not JsonArray errors)
        {
            return [];
        }

        return errors.OfType<JsonObject>()
            .Select(e => new SpApiError(Text(e, "code"), Text(e, "message"), Text(e, "details")))
            .ToList();
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
