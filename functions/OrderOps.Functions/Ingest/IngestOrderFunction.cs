using OrderOps.Core.Ingest;
using OrderOps.Core.Lifecycle;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Ingest;

/// <summary>
/// Queue-triggered: turns one archived inbound payload into stored canonical orders, then tells each changed order's
/// lifecycle (output <see cref="LifecycleOutput"/> to the <c>lifecycle</c> queue): <c>start</c> for a new order,
/// <c>channel-updated</c> for an applied update (a channel cancellation is acted on there, with its compensations), and
/// <c>start</c> again for an unchanged redelivery, so a crash between storing and sending cannot strand an order.
/// </summary>
public sealed class IngestOrderFunction(OrderIngestor ingestor) : QueueFunction<IngestMessage>
{
    public const string LifecycleOutput = "lifecycle";

    protected override async Task<FunctionResult> HandleAsync(IngestMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        var results = await ingestor.IngestAsync(message, cancellationToken);
        var toLifecycle = new List<LifecycleMessage>();
        foreach (var result in results)
        {
            context.Log($"{message.ArchiveId}: {result.OrderId ?? "(no order)"} {result.Result}");
            if (result.OrderId is null || result.Result == IngestResult.Failed)
            {
                continue;
            }

            // Unchanged still tells the lifecycle: if an earlier run stored the order and died before its output was
            // sent, this redelivery is the only chance to start it. A lifecycle that already runs ignores it (same key,
            // or nothing new to do).
            var type = result.Result == IngestResult.Updated ? LifecycleMessageTypes.ChannelUpdated : LifecycleMessageTypes.Start;
            toLifecycle.Add(new LifecycleMessage
            {
                Type = type,
                OrderId = result.OrderId,
                Key = $"ingest:{message.ArchiveId}:{result.OrderId}:{type}",
                Actor = "channel:" + message.Channel,
                Cause = $"{message.Kind} {message.ArchiveId}",
            });
        }

        return toLifecycle.Count == 0 ? FunctionResult.Empty : FunctionResult.Empty.WithOutput(LifecycleOutput, toLifecycle);
    }
}
