namespace OrderOps.Core.Ports;

/// <summary>Keys of work already done (webhook deliveries, movements, interchanges), remembered until they expire.</summary>
public interface IIdempotencyStore
{
    /// <summary>Records <paramref name="key"/>; false when it was already recorded and has not expired.</summary>
    Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="key"/> at once (a claim whose work failed); nothing happens when it is not recorded.</summary>
    Task ForgetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Forgets keys that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
