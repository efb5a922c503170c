namespace OrderOps.Hosting.Discovery;

/// <summary>
/// A blob trigger's path in the one shape standalone mode serves: <c>container/{token}</c>, the whole file name bound to
/// the token (as the Functions host binds <c>edi-inbox/{name}</c>).
/// </summary>
public sealed record BlobPath(string Container, string Token)
{
    public IReadOnlyList<string> Tokens => [Token];

    public static BlobPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length < 3 || parts[1][0] != '{' || parts[1][^1] != '}' || parts[1][1..^1].Contains('{', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Standalone mode serves blob paths of the form container/{{name}}; '{path}' is not one.");
        }

        return new BlobPath(parts[0], parts[1][1..^1]);
    }
}
