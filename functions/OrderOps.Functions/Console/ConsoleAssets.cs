using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace OrderOps.Functions.Console;

/// <summary>
/// The console's files, embedded in this assembly (<c>Console/wwwroot</c>), so the Function app serves them in both
/// hosting modes from one package: no storage account, CDN or build step. Loaded once; each with an ETag.
/// </summary>
/// <remarks>
/// Hand-written instead of ASP.NET Core's static-file middleware: under the Functions host the worker runs no
/// middleware per route, only functions, so the files must come from a function.
/// </remarks>
public sealed class ConsoleAssets
{
    private const string Prefix = "Console.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _assets;

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        _assets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[Prefix.Length..], n => Load(assembly, n), StringComparer.Ordinal);
    }

    public Asset Index => _assets["index.html"];

    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>A file under <c>assets/</c> by its path, or null.</summary>
    public Asset? Find(string? path) => path is not null && path.StartsWith("assets/", StringComparison.Ordinal) && _assets.TryGetValue(path, out var asset) ? asset : null;

    private static Asset Load(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        return new Asset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    }

    public sealed record Asset(byte[] Content, string ContentType, string ETag);
}
