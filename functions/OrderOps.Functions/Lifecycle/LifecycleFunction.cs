using OrderOps.Core.Lifecycle;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Lifecycle;

/// <summary>Queue-triggered (<c>lifecycle</c>): applies one lifecycle message to its order.</summary>
public sealed class LifecycleFunction(LifecycleEngine engine) : QueueFunction<LifecycleMessage>
{
    protected override async Task<FunctionResult> HandleAsync(LifecycleMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        LifecycleOutcome outcome;
        try
        {
            outcome = await engine.HandleAsync(message, cancellationToken);
        }
        catch (LifecycleRequestException ex)
        {
            // A message that can never apply (bad resolution, unknown type) is not retried forever.
            context.Log($"{message.OrderId} {message.Type}: refused: {ex.Message}");
            return FunctionResult.Empty;
        }

        context.Log($"{message.OrderId} {message.Type} -> {outcome.State}{(outcome.Note is null ? string.Empty : " (" + outcome.Note + ")")}");
        return FunctionResult.Empty;
    }
}
