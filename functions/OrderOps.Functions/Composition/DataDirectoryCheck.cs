using OrderOps.Storage.Embedded;

namespace OrderOps.Functions.Composition;

/// <summary>
/// Opens the embedded database while the app starts, before it listens: a data directory that cannot hold it
/// (missing rights, a read-only or unusable path) stops the start with the setting named, instead of an app that says
/// "started" and then fails every request.
/// </summary>
internal sealed class DataDirectoryCheck(IServiceProvider services, EmbeddedStorageOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = services.GetRequiredService<SqliteDatabase>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new InvalidOperationException(
                $"OrderOps:DataDirectory '{options.DataDirectory}' cannot hold the embedded database ({ex.GetType().Name}: {ex.Message}). Point OrderOps:DataDirectory at a writable folder.", ex);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
