using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>Peek-lock queue semantics. Runs only for backends that let the app receive (the embedded one).</summary>
public abstract class MessageQueueContract : IAsyncLifetime
{
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(30);
    private IStorageBackend _backend = null!;

    private IQueueReceiver Receiver => _backend.Receiver!;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IStorageBackend> CreateBackendAsync();

    [ContractFact]
    public async Task Messages_come_out_in_order_and_complete_removes_them()
    {
        await SendAsync("a");
        await SendAsync("b");

        var batch = await Receiver.ReceiveAsync("q", 10, Lock, default);

        Assert.Equal(["a", "b"], batch.Select(m => m.MessageId));
        Assert.All(batch, m => Assert.Equal(1, m.DeliveryCount));
        Assert.True(await Receiver.CompleteAsync(batch[0], default));
        Assert.True(await Receiver.CompleteAsync(batch[1], default));
        Assert.Equal(0, await Receiver.CountAsync("q", default));
    }

    [ContractFact]
    public async Task A_locked_message_is_invisible_until_its_lock_expires_then_redelivered()
    {
        await SendAsync("a");
        var first = Assert.Single(await Receiver.ReceiveAsync("q", 10, Lock, default));

        Assert.Empty(await Receiver.ReceiveAsync("q", 10, Lock, default));
        _backend.Time.Advance(Lock + TimeSpan.FromSeconds(1));
        var again = Assert.Single(await Receiver.ReceiveAsync("q", 10, Lock, default));

        Assert.Equal(2, again.DeliveryCount);
        Assert.False(await Receiver.CompleteAsync(first, default));
        Assert.True(await Receiver.CompleteAsync(again, default));
    }

    [ContractFact]
    public async Task Sending_a_waiting_message_id_again_does_not_duplicate_it()
    {
        await SendAsync("a");
        await SendAsync("a");
        Assert.Equal(1, await Receiver.CountAsync("q", default));
    }

    [ContractFact]
    public async Task Queues_are_separate()
    {
        await SendAsync("a");
        Assert.Empty(await Receiver.ReceiveAsync("other", 10, Lock, default));
    }

    [ContractFact]
    public async Task A_scheduled_message_stays_hidden_until_its_time()
    {
        await _backend.Queue.SendAsync("q", new QueueMessage { MessageId = "later", Body = "{}", ScheduledEnqueueTime = _backend.Time.GetUtcNow().AddMinutes(10) }, default);

        Assert.Empty(await Receiver.ReceiveAsync("q", 10, Lock, default));
        _backend.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(await Receiver.ReceiveAsync("q", 10, Lock, default));
    }

    [ContractFact]
    public async Task An_abandoned_message_backs_off_then_dead_letters_with_its_last_error()
    {
        await SendAsync("a");
        var policy = new QueueRetryPolicy();
        for (var delivery = 1; delivery <= policy.MaxDeliveryCount; delivery++)
        {
            var message = Assert.Single(await Receiver.ReceiveAsync("q", 10, Lock, default));
            Assert.Equal(delivery, message.DeliveryCount);
            var outcome = await Receiver.AbandonAsync(message, $"boom {delivery}", default);
            if (delivery < policy.MaxDeliveryCount)
            {
                Assert.Equal(AbandonOutcome.Retrying, outcome);
                Assert.Empty(await Receiver.ReceiveAsync("q", 10, Lock, default));
                _backend.Time.Advance(policy.BackoffAfter(delivery));
            }
            else
            {
                Assert.Equal(AbandonOutcome.DeadLettered, outcome);
            }
        }

        Assert.Equal(0, await Receiver.CountAsync("q", default));
        var dead = Assert.Single(await Receiver.ListDeadLettersAsync("q", 10, default));
        Assert.Equal(("a", policy.MaxDeliveryCount, $"boom {policy.MaxDeliveryCount}", "{\"n\":\"a\"}"), (dead.MessageId, dead.DeliveryCount, dead.LastError, dead.Body));
    }

    [ContractFact]
    public void Backoff_grows_exponentially_up_to_its_cap()
    {
        var policy = new QueueRetryPolicy { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10) };
        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(n => policy.BackoffAfter(n).TotalSeconds));
    }

    private Task SendAsync(string id) => _backend.Queue.SendAsync("q", new QueueMessage { MessageId = id, Body = $"{{\"n\":\"{id}\"}}" }, default);
}
