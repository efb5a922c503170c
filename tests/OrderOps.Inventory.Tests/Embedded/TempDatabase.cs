using OrderOps.Storage.Embedded;

namespace OrderOps.Inventory.Tests.Embedded;

/// <summary>A fresh SQLite file per test, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-inventory-tests", Guid.NewGuid().ToString("N"));

    public TempDatabase()
    {
        Database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
    }

    public SqliteDatabase Database { get; }

    public void Dispose()
    {
        Database.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger on some platforms; the temp folder is cleaned eventually.
        }
    }
}
