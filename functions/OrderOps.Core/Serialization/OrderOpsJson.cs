using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderOps.Core.Serialization;

/// <summary>
/// The JSON conventions of every document OrderOps writes: camelCase names, enums as camelCase strings,
/// nulls omitted. One instance, shared, because <see cref="JsonSerializerOptions"/> caches type metadata.
/// </summary>
public static class OrderOpsJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// For bodies clients send to the API: the same names, but strict. Numbers must be JSON numbers (the Web defaults
    /// read <c>"quantity":"10"</c> as 10) and a property given twice is refused (<c>"quantity":1,"quantity":1000</c>
    /// would otherwise silently mean 1000, while another reader of the same body may take 1).
    /// </summary>
    public static JsonSerializerOptions RequestOptions { get; } = Create(strict: true);

    public static JsonSerializerOptions Create(bool strict = false)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        if (strict)
        {
            options.NumberHandling = JsonNumberHandling.Strict;
            options.AllowDuplicateProperties = false;
        }

        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}
