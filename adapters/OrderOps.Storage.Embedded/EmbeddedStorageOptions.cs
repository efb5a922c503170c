namespace OrderOps.Storage.Embedded;

/// <summary>Where the embedded backend keeps its SQLite file.</summary>
public sealed class EmbeddedStorageOptions
{
    /// <summary>Folder of the data file (and, for other features, the EDI inbox). Bound from <c>OrderOps:DataDirectory</c>.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, "data");

    public string FileName { get; set; } = "orderops.db";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
