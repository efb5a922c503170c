using OrderOps.Core.Ingest;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Functions.Ingest;

/// <summary>
/// Queue-triggered (<c>ingest</c>): turns one archived inbound payload into stored canonical orders, then tells each
/// changed order's lifecycle on the <c>lifecycle</c> queue: <c>start</c> for a new order, <c>channel-updated</c> for an
/// applied update (a channel cancellation is acted on there, with its compensations), and <c>start</c> again for an
/// unchanged redelivery, so a crash between storing and sending cannot strand an order.
/// </summary>
public sealed partial class IngestOrderFunction(OrderIngestor ingestor, IMessageQueue queue, ILogger<IngestOrderFunction> logger)
{
    [Function("IngestOrder")]
    public async Task RunAsync([QueueTrigger(QueueNames.Ingest, Connection = Connections.Storage)] string message, CancellationToken cancellationToken)
    {
        var parsed = QueueMessages.Parse(message, OrderOpsJson.Deserialize<IngestMessage>, "an ingest message");

        // Results arrive as each order is stored, so an EDI file of any size is ingested in constant memory.
        await ingestor.IngestAsync(parsed, async (result, token) =>
        {
            LogIngested(parsed.ArchiveId, result.OrderId ?? "(no order)", result.Result);
            if (result.OrderId is null || result.Result == IngestResult.Failed)
            {
                return;
            }

            // Unchanged still tells the lifecycle: if an earlier run stored the order and died before this send, this
            // redelivery is the only chance to start it. A lifecycle that already runs ignores it (same key).
            var type = result.Result == IngestResult.Updated ? LifecycleMessageTypes.ChannelUpdated : LifecycleMessageTypes.Start;
            var lifecycle = new LifecycleMessage
            {
                Type = type,
                OrderId = result.OrderId,
                Key = $"ingest:{parsed.ArchiveId}:{result.OrderId}:{type}",
                Actor = "channel:" + parsed.Channel,
                Cause = $"{parsed.Kind} {parsed.ArchiveId}",
            };
            await queue.SendAsync(QueueNames.Lifecycle, new QueueMessage { MessageId = lifecycle.Key, Body = OrderOpsJson.Serialize(lifecycle) }, token);
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {ArchiveId}: {OrderId} {Result}")]
    private partial void LogIngested(string archiveId, string orderId, IngestResult result);
}
