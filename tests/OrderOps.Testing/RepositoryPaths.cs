namespace OrderOps.Testing;

/// <summary>Where things are in the checkout the tests run from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built Function app, in the same configuration (Debug/Release) as the running tests.</summary>
    public static string FunctionAppDll
    {
        get
        {
            var path = Path.Combine(Root, "functions", "OrderOps.Functions", "bin", BuildConfiguration, "net10.0", "OrderOps.Functions.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.", path);
        }
    }

    /// <summary>Debug or Release: read from the running assembly's output folder (bin/{configuration}/net10.0).</summary>
    public static string BuildConfiguration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrderOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("OrderOps.sln was not found above " + AppContext.BaseDirectory);
    }
}
