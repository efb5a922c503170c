using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Standalone mode's blob containers: one folder per container under <c>{DataDirectory}/blobs</c>. Path templates
/// (<c>container/{name}.997</c>) are filled from the trigger's metadata, as Azure's binding expressions are.
/// </summary>
public static partial class BlobFolders
{
    public static string Root(StandaloneOptions options) => Path.Combine(options?.DataDirectory ?? throw new ArgumentNullException(nameof(options)), "blobs");

    /// <summary>The container of a <c>container/pattern</c> path.</summary>
    public static string Container(string path) => path?.Split('/', 2)[0] ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Fills <c>{token}</c>s from string metadata values; an unknown token is an error, never a guess.</summary>
    public static string Resolve(string template, IReadOnlyDictionary<string, JsonElement> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Token().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            if (!metadata.TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidOperationException($"The path '{template}' uses {{{name}}}, which the trigger's metadata does not have.");
            }

            var text = value.GetString()!;
            return text.Contains("..", StringComparison.Ordinal) || text.IndexOfAny(['/', '\\']) >= 0
                ? throw new InvalidOperationException($"'{text}' cannot be used in a blob path.")
                : text;
        });
    }

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex Token();
}
