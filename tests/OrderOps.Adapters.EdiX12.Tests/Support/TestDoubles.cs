using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Tests.Support;

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>An in-memory <see cref="IIdempotencyStore"/> with the port's documented semantics.</summary>
internal sealed class InMemoryIdempotencyStore(TimeProvider time) : IIdempotencyStore
{
    private readonly Dictionary<string, DateTimeOffset> _keys = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DateTimeOffset> Keys => _keys;

    public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(key, out var existing) && existing > time.GetUtcNow())
        {
            return Task.FromResult(false);
        }

        _keys[key] = expiresAt;
        return Task.FromResult(true);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(key, out var expires) && expires > time.GetUtcNow());

    public Task ForgetAsync(string key, CancellationToken cancellationToken)
    {
        _keys.Remove(key);
        return Task.CompletedTask;
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = _keys.Where(k => k.Value <= now).Select(k => k.Key).ToList();
        expired.ForEach(k => _keys.Remove(k));
        return Task.FromResult(expired.Count);
    }
}

internal sealed class SettableTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
