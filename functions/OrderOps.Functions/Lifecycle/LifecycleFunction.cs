using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Functions.Lifecycle;

/// <summary>Queue-triggered (<c>lifecycle</c>): applies one lifecycle message to its order.</summary>
public sealed partial class LifecycleFunction(LifecycleEngine engine, ILogger<LifecycleFunction> logger)
{
    [Function("Lifecycle")]
    public async Task RunAsync([QueueTrigger(QueueNames.Lifecycle, Connection = Connections.Storage)] string message, CancellationToken cancellationToken)
    {
        var parsed = QueueMessages.Parse(message, OrderOpsJson.Deserialize<LifecycleMessage>, "a lifecycle message");

        LifecycleOutcome outcome;
        try
        {
            outcome = await engine.HandleAsync(parsed, cancellationToken);
        }
        catch (LifecycleRequestException ex)
        {
            // A message that can never apply (bad resolution, unknown type) is not retried forever.
            LogRefused(parsed.OrderId, parsed.Type, ex.Message);
            return;
        }

        LogApplied(parsed.OrderId, parsed.Type, outcome.State, outcome.Note);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifecycle message {Type} for {OrderId} refused: {Reason}")]
    private partial void LogRefused(string orderId, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Type} -> {State} {Note}")]
    private partial void LogApplied(string orderId, string type, string state, string? note);
}
