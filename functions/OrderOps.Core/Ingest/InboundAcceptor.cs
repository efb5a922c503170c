using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Ingest;

public enum AcceptOutcome
{
    /// <summary>Archived and queued for ingest.</summary>
    Accepted,

    /// <summary>This delivery was accepted before; nothing was done again.</summary>
    Duplicate,

    /// <summary>Archived only: a payload kind that is kept but not turned into orders.</summary>
    Archived,

    /// <summary>
    /// Another delivery with the same key is being accepted at this moment and has not finished: nothing was done for
    /// this one. Not yet a duplicate (the other may still fail), so the caller asks the sender to retry.
    /// </summary>
    InProgress,
}

/// <summary>
/// The acknowledgement path of every inbound channel: archive the raw payload, queue it for ingest, remember the
/// delivery. Only when all three are durable may the caller acknowledge. Each step is idempotent, so a crash
/// between steps followed by the channel's redelivery converges on the same state with nothing lost or doubled.
/// </summary>
/// <remarks>
/// Concurrent deliveries of one key: before archiving, a delivery claims the key (an idempotency key of its own that
/// lapses after <see cref="IngestOptions.DeliveryClaimTimeout"/>). Exactly one claim succeeds; the others answer
/// <see cref="AcceptOutcome.Duplicate"/> when the winner has already finished, <see cref="AcceptOutcome.InProgress"/>
/// while it has not. A claimant that dies leaves only its claim, which lapses, so the redelivery goes through.
/// </remarks>
public sealed class InboundAcceptor(IRawArchive archive, IMessageQueue queue, IIdempotencyStore keys, TimeProvider time, IngestOptions options)
{
    public Task<AcceptOutcome> AcceptAsync(RawPayload payload, string deliveryKey, bool ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return AcceptAsync(payload, deliveryKey, ingest, token => archive.ArchiveAsync(payload, token), cancellationToken);
    }

    /// <summary>The same, for a payload whose body is archived from a seekable stream as it is read (large files).</summary>
    public Task<AcceptOutcome> AcceptAsync(RawPayload payload, Stream body, string deliveryKey, bool ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(body);
        return AcceptAsync(payload, deliveryKey, ingest, token => archive.ArchiveAsync(payload, body, token), cancellationToken);
    }

    private async Task<AcceptOutcome> AcceptAsync(RawPayload payload, string deliveryKey, bool ingest, Func<CancellationToken, Task> archiveBody, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deliveryKey);
        if (await keys.ExistsAsync(deliveryKey, cancellationToken))
        {
            return AcceptOutcome.Duplicate;
        }

        var claim = "claim:" + deliveryKey;
        if (!await keys.TryRecordAsync(claim, time.GetUtcNow() + options.DeliveryClaimTimeout, cancellationToken))
        {
            return await keys.ExistsAsync(deliveryKey, cancellationToken) ? AcceptOutcome.Duplicate : AcceptOutcome.InProgress;
        }

        try
        {
            await archiveBody(cancellationToken);
            if (ingest)
            {
                var message = new IngestMessage(payload.Id, payload.Channel, payload.Kind);
                await queue.SendAsync(QueueNames.Ingest, new QueueMessage { MessageId = payload.Id, Body = OrderOpsJson.Serialize(message) }, cancellationToken);
            }

            await keys.TryRecordAsync(deliveryKey, time.GetUtcNow() + options.DeliveryKeyRetention, cancellationToken);
        }
        catch
        {
            // The sender is told this failed and will redeliver: let that redelivery in now rather than when the claim lapses.
            await keys.ForgetAsync(claim, CancellationToken.None);
            throw;
        }

        return ingest ? AcceptOutcome.Accepted : AcceptOutcome.Archived;
    }
}
