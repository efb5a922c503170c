using System.Collections.Concurrent;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events.Tests;

internal static class TestEvents
{
    public static EventDelivery Delivery(string data = "{\"orderId\":\"o-1\"}", string subscriber = "erp") => new()
    {
        Subscriber = subscriber,
        CommittedAt = DateTimeOffset.UnixEpoch,
        Event = new OutboundEvent
        {
            Id = OutboundEvent.IdFor("order|o-1|1"),
            Type = OutboundEventTypes.OrderReceived,
            Subject = "o-1",
            Position = "0000000000000000001",
            Time = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero),
            Data = data,
        },
    };

    /// <summary>A payload whose envelope is over Service Bus's 256 KB.</summary>
    public static string Large() => "{\"note\":\"" + new string('x', 300 * 1024) + "\"}";
}

/// <summary>Outbound documents in memory (the claim-check archive).</summary>
internal sealed class MemoryDocuments : IOutboundDocuments
{
    public ConcurrentDictionary<string, string> Documents { get; } = new();

    public Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        Documents[container + "/" + name] = content;
        return Task.CompletedTask;
    }

    public Task<bool> CreateIfAbsentAsync(string container, string name, string content, CancellationToken cancellationToken) =>
        Task.FromResult(Documents.TryAdd(container + "/" + name, content));

    public Task<string?> ReadAsync(string container, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Documents.TryGetValue(container + "/" + name, out var content) ? content : null);
}
