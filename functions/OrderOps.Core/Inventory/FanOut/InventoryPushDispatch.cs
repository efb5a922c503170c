using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// One <see cref="ChannelPushDispatcher"/> per configured channel, kept for the life of the process so every caller
/// (the fan-out function, the retry timer) shares each channel's rate limiter. Callers run rounds; leases in the
/// outbox keep two callers from pushing the same SKU at once.
/// </summary>
public sealed class InventoryPushDispatch : IAsyncDisposable
{
    private readonly IReadOnlyList<ChannelPushDispatcher> _dispatchers;

    public InventoryPushDispatch(
        IEnumerable<IChannelInventoryPublisher> publishers,
        IInventoryPublicationStore publications,
        InventoryOptions options,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dispatchers = publishers
            .Where(p => options.Channels.TryGetValue(p.Channel, out var channel) && channel.Enabled)
            .Select(p => new ChannelPushDispatcher(p, publications, options, time, loggerFactory.CreateLogger($"{typeof(ChannelPushDispatcher).FullName}.{p.Channel}")))
            .ToList();
    }

    public IReadOnlyList<string> Channels => _dispatchers.Select(d => d.Channel).ToList();

    /// <summary>Pushes whatever is due on every channel, round after round, until nothing is due or <paramref name="budget"/> is spent.</summary>
    public async Task<int> DispatchDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var total = 0;
        while (true)
        {
            var handled = await Task.WhenAll(_dispatchers.Select(d => d.DispatchOnceAsync(cancellationToken)));
            total += handled.Sum();
            if (handled.Sum() == 0 || clock.Elapsed >= budget)
            {
                return total;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in _dispatchers)
        {
            await dispatcher.DisposeAsync();
        }
    }
}
