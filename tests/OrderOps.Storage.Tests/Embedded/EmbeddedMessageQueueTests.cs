using OrderOps.Core.Ports;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Embedded;

public sealed class EmbeddedMessageQueueTests : MessageQueueContract
{
    protected override Task<IQueueBackend> CreateBackendAsync() => Task.FromResult<IQueueBackend>(new EmbeddedQueueBackend());

    /// <summary>Beyond the contract: the SQLite queue drops a resend whose id still waits (an optimisation, not a promise).</summary>
    [Fact]
    public async Task A_resend_whose_id_still_waits_is_dropped()
    {
        await using var backend = new EmbeddedQueueBackend();
        var message = new QueueMessage { MessageId = "a", Body = "{}" };
        await backend.Queue.SendAsync("q", message, default);
        await backend.Queue.SendAsync("q", message, default);
        Assert.Equal(1, await backend.Receiver.CountAsync("q", default));
    }

    /// <summary>Beyond the contract: the SQLite queue keeps send order.</summary>
    [Fact]
    public async Task Messages_come_out_in_send_order()
    {
        await using var backend = new EmbeddedQueueBackend();
        foreach (var id in new[] { "b", "a", "c" })
        {
            await backend.Queue.SendAsync("q", new QueueMessage { MessageId = id, Body = "{}" }, default);
        }

        Assert.Equal(["b", "a", "c"], (await backend.Receiver.ReceiveAsync("q", 10, TimeSpan.FromSeconds(30), default)).Select(m => m.MessageId));
    }
}

/// <summary>The queue of <see cref="EmbeddedBackend"/> (a fresh SQLite file, a fake clock) as a contract backend.</summary>
internal sealed class EmbeddedQueueBackend : IQueueBackend
{
    private readonly EmbeddedBackend _backend = new();

    public IMessageQueue Queue => _backend.Queue;

    public IQueueReceiver Receiver => _backend.Receiver!;

    /// <summary>The policy <see cref="EmbeddedBackend"/> builds its queue with.</summary>
    public QueueRetryPolicy RetryPolicy { get; } = new();

    public string QueuePrefix => "t-";

    public DateTimeOffset Now => _backend.Time.GetUtcNow();

    public Task LetTimePassAsync(TimeSpan span)
    {
        _backend.Time.Advance(span);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();
}
