namespace OrderOps.Functions.Composition;

/// <summary>
/// The embedded backend's folder (<c>OrderOps:DataDirectory</c>, default <c>./data</c> under the working directory),
/// checked while the app is composed, before anything listens: a folder that cannot be created or written stops the
/// start with the setting named, instead of an app that says "started" and then fails every request.
/// </summary>
internal static class DataDirectory
{
    public const string Setting = "OrderOps:DataDirectory";

    public static string Resolve(IConfiguration configuration)
    {
        var path = configuration[Setting] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.CurrentDirectory, "data");
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new InvalidOperationException(
                $"{Setting} '{path}' cannot hold the embedded data ({ex.GetType().Name}: {ex.Message}). Point {Setting} at a writable folder.", ex);
        }

        return path;
    }
}
