using OrderOps.Core.Ingest;
using Microsoft.DurableTask.Client;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Core.Telemetry;

namespace OrderOps.Functions.Ingest;

/// <summary>
/// Queue-triggered (<c>ingest</c>): turns one archived inbound payload into stored canonical orders, then tells each
/// changed order's lifecycle orchestration: <c>start</c> for a new order (which starts its instance), <c>channel-updated</c>
/// for an applied update (a channel cancellation is acted on there, with its compensations), and <c>start</c> again for
/// an unchanged redelivery, so a crash between storing and signalling cannot strand an order (a repeated start changes
/// nothing). A signal that fails fails the message, which comes back.
/// </summary>
public sealed partial class IngestOrderFunction(OrderIngestor ingestor, OrderOpsMetrics metrics, ILogger<IngestOrderFunction> logger)
{
    [Function("IngestOrder")]
    public async Task RunAsync(
        [QueueTrigger(QueueNames.Ingest, Connection = Connections.Storage)] string message,
        [DurableClient] DurableTaskClient lifecycle,
        CancellationToken cancellationToken)
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

            if (result.Result == IngestResult.Created)
            {
                metrics.OrderReceived(parsed.Channel);
            }

            var type = result.Result == IngestResult.Updated ? LifecycleMessageTypes.ChannelUpdated : LifecycleMessageTypes.Start;
            var signal = new LifecycleMessage
            {
                Type = type,
                OrderId = result.OrderId,
                Key = $"ingest:{parsed.ArchiveId}:{result.OrderId}:{type}",
                Actor = "channel:" + parsed.Channel,
                Cause = $"{parsed.Kind} {parsed.ArchiveId}",
            };
            await lifecycle.SignalAsync(signal, token);
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {ArchiveId}: {OrderId} {Result}")]
    private partial void LogIngested(string archiveId, string orderId, IngestResult result);
}
