using System.Collections.Concurrent;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Tests.Doubles;

public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    public ConcurrentDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs after a value is durably stored (to simulate a crash right after a checkpoint).</summary>
    public Action<string, string>? AfterSet { get; set; }

    public Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Values.TryGetValue(name, out var value) ? value : null);
    }

    public Task SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Values[name] = value;
        AfterSet?.Invoke(name, value);
        return Task.CompletedTask;
    }
}
