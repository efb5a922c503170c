using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;
using StorageMessage = Azure.Storage.Queues.Models.QueueMessage;

namespace OrderOps.Storage.Azure.Messaging;

/// <summary>
/// <see cref="IMessageQueue"/> and <see cref="IQueueReceiver"/> over Azure Storage queues, settled the way the Functions
/// host settles a queue trigger, so the app and the host can share a queue:
/// <list type="bullet">
/// <item>bodies are sent as plain text (<see cref="QueueMessageEncoding.None"/>; host.json sets
/// <c>extensions.queues.messageEncoding</c> to <c>none</c>) and never expire;</item>
/// <item>a receive hides a message for the visibility timeout; its pop receipt is the lock token and its dequeue count
/// the delivery count;</item>
/// <item>an abandoned message becomes visible again after <see cref="QueueRetryPolicy.BackoffAfter"/>; once it has
/// been delivered <see cref="QueueRetryPolicy.MaxDeliveryCount"/> times its body is copied to <c>&lt;queue&gt;-poison</c>
/// and the original deleted (the host's poison handling); the last error goes to <see cref="IQueueFailureRecorder"/>.</item>
/// </list>
/// Storage queues have no duplicate detection, no sequence numbers and no strict order: delivery is at least once.
/// </summary>
public sealed partial class StorageQueueMessaging(
    QueueServiceClient queues,
    IQueueFailureRecorder failures,
    QueueRetryPolicy retryPolicy,
    TimeProvider time,
    bool createIfMissing,
    ILogger<StorageQueueMessaging> logger) : IMessageQueue, IQueueReceiver, IQueueBacklog
{
    /// <summary>The Functions host's name for a queue's poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>The service's limits: a message body (64 KiB), a visibility timeout (7 days), one receive or peek (32).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    public const int MaxBatch = 32;

    /// <summary>Never expire: the service's default time-to-live (7 days) would silently drop acknowledged work.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);

    public static string PoisonQueueName(string queueName) => queueName + PoisonSuffix;

    public async Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        ArgumentNullException.ThrowIfNull(message);
        var body = QueueTraceContext.StoredBody(message);
        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            throw new ArgumentException($"Message {message.MessageId} is larger than the {MaxMessageBytes} bytes a Storage queue message can hold; archive the payload and send its id.", nameof(message));
        }

        var delay = message.ScheduledEnqueueTime is { } at ? at - time.GetUtcNow() : TimeSpan.Zero;
        if (delay > MaxVisibility)
        {
            throw new ArgumentOutOfRangeException(nameof(message), message.ScheduledEnqueueTime, $"A Storage queue message can be hidden for at most {MaxVisibility.TotalDays} days.");
        }

        var client = await QueueAsync(queueName, create: createIfMissing, cancellationToken);
        await client.SendMessageAsync(body, delay > TimeSpan.Zero ? WholeSeconds(delay) : null, NeverExpires, cancellationToken);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var client = await QueueAsync(queueName, create: createIfMissing, cancellationToken);
        StorageMessage[] received;
        try
        {
            received = (await client.ReceiveMessagesAsync(Math.Min(maxMessages, MaxBatch), WholeSeconds(Clamp(visibilityTimeout, TimeSpan.FromSeconds(1))), cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // nothing was ever sent to it
        }

        return received.Select(m => new ReceivedMessage
        {
            QueueName = queueName,
            MessageId = m.MessageId,
            Body = m.Body.ToString(),
            DeliveryCount = (int)m.DequeueCount,
            EnqueuedAt = m.InsertedOn ?? time.GetUtcNow(),
            LockToken = m.PopReceipt,
            // Storage queues number nothing; the insertion time is the closest stable handle.
            SequenceNumber = m.InsertedOn?.UtcTicks ?? 0,
        }).ToList();
    }

    public async Task<bool> CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await queues.GetQueueClient(message.QueueName).DeleteMessageAsync(message.MessageId, message.LockToken, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            return false;
        }
    }

    public async Task<AbandonOutcome> AbandonAsync(ReceivedMessage message, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(error);
        await failures.RecordFailureAsync(message.QueueName, message.Body, message.DeliveryCount, error, cancellationToken);
        var client = queues.GetQueueClient(message.QueueName);
        var poison = message.DeliveryCount >= retryPolicy.MaxDeliveryCount;
        string popReceipt;
        try
        {
            // Retrying: hide it for the backoff. Poisoning: first prove the lock is still ours (and keep it long enough
            // to copy), so a message someone else now owns is not copied to the poison queue.
            var hideFor = poison ? TimeSpan.FromMinutes(1) : WholeSeconds(Clamp(retryPolicy.BackoffAfter(message.DeliveryCount), TimeSpan.Zero));
            popReceipt = (await client.UpdateMessageAsync(message.MessageId, message.LockToken, visibilityTimeout: hideFor, cancellationToken: cancellationToken)).Value.PopReceipt;
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            return AbandonOutcome.LockLost;
        }

        if (!poison)
        {
            return AbandonOutcome.Retrying;
        }

        // Copy, then delete: a crash in between leaves the work in both queues (a duplicate), never in neither.
        var poisonQueue = await QueueAsync(PoisonQueueName(message.QueueName), create: true, cancellationToken);
        await poisonQueue.SendMessageAsync(message.Body, visibilityTimeout: null, NeverExpires, cancellationToken);
        try
        {
            await client.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            // Held for a minute and lost anyway: the original comes back and may run again; the copy stays for the operator.
        }

        LogDeadLettered(logger, message.MessageId, message.QueueName, message.DeliveryCount);
        return AbandonOutcome.DeadLettered;
    }

    /// <summary>
    /// Peeks the oldest messages of <c>&lt;queue&gt;-poison</c> and joins each with its recorded failure. A peek returns at
    /// most <see cref="MaxBatch"/> (32) messages and cannot page without hiding them, so <paramref name="limit"/> is capped
    /// at 32: the oldest 32 poison messages are listed; the rest wait behind them until those are dealt with.
    /// The original enqueue time does not survive poisoning, so both times are the poison copy's insertion time.
    /// </summary>
    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string queueName, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        global::Azure.Storage.Queues.Models.PeekedMessage[] peeked;
        try
        {
            peeked = (await queues.GetQueueClient(PoisonQueueName(queueName)).PeekMessagesAsync(Math.Min(limit, MaxBatch), cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // no message was ever poisoned
        }

        return await Task.WhenAll(peeked.Select(async m =>
        {
            var body = m.Body.ToString();
            var failure = await failures.FindAsync(queueName, body, cancellationToken);
            var at = m.InsertedOn ?? time.GetUtcNow();
            return new DeadLetter
            {
                QueueName = queueName,
                MessageId = m.MessageId,
                Body = body,
                DeliveryCount = failure?.DequeueCount ?? 0,
                LastError = failure?.Error ?? "(no failure was recorded for this message)",
                EnqueuedAt = at,
                DeadLetteredAt = at,
            };
        }));
    }

    /// <summary>Storage queues cannot notify a receiver: this waits the whole timeout, which is the caller's poll interval.</summary>
    public Task WaitForMessagesAsync(string queueName, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Delay(timeout, time, cancellationToken);

    /// <summary>The service's approximate count of the queue's messages, visible or hidden.</summary>
    public async Task<long> CountAsync(string queueName, CancellationToken cancellationToken)
    {
        try
        {
            return (await queues.GetQueueClient(queueName).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    /// <summary>The approximate count, and the insertion time of the first message a peek sees (the oldest visible one).</summary>
    public async Task<QueueBacklog> GetBacklogAsync(string queueName, CancellationToken cancellationToken)
    {
        var client = queues.GetQueueClient(queueName);
        try
        {
            var count = (await client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong;
            var first = (await client.PeekMessagesAsync(1, cancellationToken)).Value.FirstOrDefault();
            return new QueueBacklog(count, first?.InsertedOn);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new QueueBacklog(0, null);
        }
    }

    private async Task<QueueClient> QueueAsync(string queueName, bool create, CancellationToken cancellationToken)
    {
        var client = queues.GetQueueClient(queueName);
        if (create && !_created.ContainsKey(queueName))
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created[queueName] = true;
        }

        return client;
    }

    /// <summary>The pop receipt no longer matches: the visibility timeout ran out and someone else received the message.</summary>
    private static bool IsLockLost(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min) => value < min ? min : value > MaxVisibility ? MaxVisibility : value;

    /// <summary>The service counts visibility in whole seconds; round up so a message never shows early.</summary>
    private static TimeSpan WholeSeconds(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on {Queue} was moved to the poison queue after {Count} deliveries.")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, int count);
}
