using OrderOps.Core.Ingest;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Ingest;

/// <summary>Queue-triggered: turns one archived inbound payload into stored canonical orders.</summary>
public sealed class IngestOrderFunction(OrderIngestor ingestor) : QueueFunction<IngestMessage>
{
    protected override async Task<FunctionResult> HandleAsync(IngestMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        var results = await ingestor.IngestAsync(message, cancellationToken);
        foreach (var result in results)
        {
            context.Log($"{message.ArchiveId}: {result.OrderId ?? "(no order)"} {result.Result}");
        }

        return FunctionResult.Empty;
    }
}
