using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>
/// A fresh queue backend for <see cref="MessageQueueContract"/>. The embedded one runs on a fake clock; Storage queues
/// keep time on the server, so the Azure one lets real time pass and uses a short retry policy.
/// </summary>
public interface IQueueBackend : IAsyncDisposable
{
    IMessageQueue Queue { get; }

    IQueueReceiver Receiver { get; }

    QueueRetryPolicy RetryPolicy { get; }

    /// <summary>A prefix unique to this backend instance, for queue names (3–63 lower-case letters, digits, hyphens).</summary>
    string QueuePrefix { get; }

    /// <summary>The backend's clock.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Lets <paramref name="span"/> pass on the backend's clock (advances a fake clock, or waits).</summary>
    Task LetTimePassAsync(TimeSpan span);
}

/// <summary>
/// The queue port's semantics, held by every backend: at-least-once delivery with a visibility timeout, backoff on
/// abandon, dead-lettering with the last error. Order and duplicate suppression are not promised.
/// </summary>
public abstract class MessageQueueContract : IAsyncLifetime
{
    /// <summary>Short, because on Storage queues it runs out in real time; whole seconds, the service's unit.</summary>
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private IQueueBackend _backend = null!;
    private string _queue = null!;

    private IQueueReceiver Receiver => _backend.Receiver;

    public async Task InitializeAsync()
    {
        _backend = await CreateBackendAsync();
        _queue = _backend.QueuePrefix + "work";
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IQueueBackend> CreateBackendAsync();

    [ContractFact]
    public async Task Every_sent_message_comes_out_once_and_complete_removes_it()
    {
        await SendAsync("a");
        await SendAsync("b");

        var batch = await Receiver.ReceiveAsync(_queue, 10, Lock, default);

        Assert.Equal(["{\"n\":\"a\"}", "{\"n\":\"b\"}"], batch.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.All(batch, m => Assert.Equal(1, m.DeliveryCount));
        Assert.True(await Receiver.CompleteAsync(batch[0], default));
        Assert.True(await Receiver.CompleteAsync(batch[1], default));
        Assert.Equal(0, await Receiver.CountAsync(_queue, default));
    }

    [ContractFact]
    public async Task A_locked_message_is_invisible_until_its_lock_expires_then_redelivered()
    {
        await SendAsync("a");
        var first = Assert.Single(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
        var lockedAt = _backend.Now;

        Assert.Empty(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
        var again = await ReceiveOneEventuallyAsync(Lock * 4);

        Assert.True(_backend.Now - lockedAt >= Lock - TimeSpan.FromSeconds(1), "redelivered before its lock ran out");
        Assert.Equal((2, first.Body), (again.DeliveryCount, again.Body));
        Assert.False(await Receiver.CompleteAsync(first, default));
        Assert.True(await Receiver.CompleteAsync(again, default));
    }

    [ContractFact]
    public async Task Sending_the_same_message_twice_delivers_it_at_least_once_and_maybe_twice()
    {
        await SendAsync("a");
        await SendAsync("a");

        var received = await Receiver.ReceiveAsync(_queue, 10, Lock, default);

        Assert.InRange(received.Count, 1, 2);
        Assert.All(received, m => Assert.Equal("{\"n\":\"a\"}", m.Body));
        Assert.Equal(received.Count, await Receiver.CountAsync(_queue, default));
    }

    [ContractFact]
    public async Task Queues_are_separate()
    {
        await SendAsync("a");
        Assert.Empty(await Receiver.ReceiveAsync(_backend.QueuePrefix + "other", 10, Lock, default));
        Assert.Single(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
    }

    [ContractFact]
    public async Task A_scheduled_message_stays_hidden_until_its_time()
    {
        var due = _backend.Now.AddSeconds(3);
        await _backend.Queue.SendAsync(_queue, new QueueMessage { MessageId = "later", Body = "{}", ScheduledEnqueueTime = due }, default);

        Assert.Empty(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
        await ReceiveOneEventuallyAsync(TimeSpan.FromSeconds(12));
        Assert.True(_backend.Now >= due - TimeSpan.FromSeconds(1), "delivered before its scheduled time");
    }

    [ContractFact]
    public async Task An_abandoned_message_backs_off_then_dead_letters_with_its_last_error()
    {
        await SendAsync("a");
        var policy = _backend.RetryPolicy;
        var message = Assert.Single(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
        for (var delivery = 1; delivery <= policy.MaxDeliveryCount; delivery++)
        {
            Assert.Equal(delivery, message.DeliveryCount);
            var outcome = await Receiver.AbandonAsync(message, $"boom {delivery}", default);
            if (delivery == policy.MaxDeliveryCount)
            {
                Assert.Equal(AbandonOutcome.DeadLettered, outcome);
                break;
            }

            Assert.Equal(AbandonOutcome.Retrying, outcome);
            Assert.Empty(await Receiver.ReceiveAsync(_queue, 10, Lock, default));
            message = await ReceiveOneEventuallyAsync(policy.BackoffAfter(delivery) * 4);
        }

        Assert.Equal(0, await Receiver.CountAsync(_queue, default));
        var dead = Assert.Single(await Receiver.ListDeadLettersAsync(_queue, 10, default));
        Assert.Equal((policy.MaxDeliveryCount, $"boom {policy.MaxDeliveryCount}", "{\"n\":\"a\"}"), (dead.DeliveryCount, dead.LastError, dead.Body));
        Assert.Equal(_queue, dead.QueueName);
    }

    [ContractFact]
    public async Task A_queue_without_dead_letters_lists_none()
    {
        await SendAsync("a");
        Assert.Empty(await Receiver.ListDeadLettersAsync(_queue, 10, default));
    }

    [ContractFact]
    public async Task The_backlog_counts_waiting_messages_and_dates_the_oldest()
    {
        var backlog = (IQueueBacklog)Receiver;
        Assert.Equal(new QueueBacklog(0, null), await backlog.GetBacklogAsync(_queue, default));
        var before = _backend.Now;
        await SendAsync("a");
        await _backend.LetTimePassAsync(TimeSpan.FromSeconds(1));
        await SendAsync("b");

        var waiting = await backlog.GetBacklogAsync(_queue, default);

        Assert.Equal(2, waiting.Count);
        // The oldest is "a": enqueued before "b" was, within the clock skew of a remote service.
        Assert.InRange(waiting.OldestEnqueuedAt!.Value, before.AddSeconds(-2), before.AddSeconds(2));
        Assert.True(waiting.OldestAge(_backend.Now) >= TimeSpan.FromSeconds(0.5), $"oldest age {waiting.OldestAge(_backend.Now)}");
    }

    [ContractFact]
    public void Backoff_grows_exponentially_up_to_its_cap()
    {
        var policy = new QueueRetryPolicy { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10) };
        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(n => policy.BackoffAfter(n).TotalSeconds));
    }

    /// <summary>Receives until one message shows up, letting backend time pass between tries; fails after <paramref name="within"/>.</summary>
    private async Task<ReceivedMessage> ReceiveOneEventuallyAsync(TimeSpan within)
    {
        var deadline = _backend.Now + within;
        while (true)
        {
            var batch = await Receiver.ReceiveAsync(_queue, 10, Lock, default);
            if (batch.Count > 0)
            {
                return Assert.Single(batch);
            }

            Assert.True(_backend.Now < deadline, $"no message became visible within {within}");
            await _backend.LetTimePassAsync(Step);
        }
    }

    private Task SendAsync(string id) => _backend.Queue.SendAsync(_queue, new QueueMessage { MessageId = id, Body = $"{{\"n\":\"{id}\"}}" }, default);
}
