using System.Collections.Concurrent;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>An in-memory channel: records every call and what the channel would show, with scriptable failures.</summary>
public sealed class RecordingPublisher(string channel) : IChannelInventoryPublisher
{
    private readonly ConcurrentQueue<PublishCall> _calls = new();

    public string Channel { get; } = channel;

    /// <summary>The account the channel-sync orchestration is named after (defaults to the channel).</summary>
    public string Account { get; init; } = channel;

    /// <summary>The account's documented rate, as a publisher declares it (null: none).</summary>
    public double? PushesPerSecond { get; init; }

    /// <summary>Decides the outcome of each call; null means success.</summary>
    public Func<string, int, PublishResult?> Behaviour { get; set; } = (_, _) => null;

    /// <summary>What the channel currently shows per SKU.</summary>
    public ConcurrentDictionary<string, int> Shown { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<PublishCall> Calls => _calls.ToList();

    public Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        var result = Behaviour(sku, quantity) ?? PublishResult.Published;
        _calls.Enqueue(new PublishCall(sku, quantity, DateTimeOffset.UtcNow, result.Status));
        if (result.Status == PublishStatus.Published)
        {
            Shown[sku] = quantity;
        }

        return Task.FromResult(result);
    }
}

public sealed record PublishCall(string Sku, int Quantity, DateTimeOffset At, PublishStatus Status);
