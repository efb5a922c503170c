using System.Text.Json;
using OrderOps.Core.Serialization;

namespace OrderOps.Hosting.Invocation;

/// <summary>Base for queue-triggered functions whose message body is a JSON document of <typeparamref name="TMessage"/>.</summary>
public abstract class QueueFunction<TMessage> : IFunctionHandler
{
    public Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TMessage message;
        try
        {
            message = OrderOpsJson.Deserialize<TMessage>(context.TriggerText);
        }
        catch (JsonException ex)
        {
            throw new FunctionInputException($"The message is not a {typeof(TMessage).Name}: {ex.Message}");
        }

        return HandleAsync(message, context, cancellationToken);
    }

    protected abstract Task<FunctionResult> HandleAsync(TMessage message, FunctionContext context, CancellationToken cancellationToken);
}
