using Microsoft.DurableTask;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Durable;

/// <summary>
/// Runs an <c>[ActivityTrigger]</c> method as an <see cref="ITaskActivity"/>, through the same invoker as every other
/// function: a fresh DI scope, constructor injection, the activity's input as the trigger value.
/// </summary>
internal sealed class FunctionActivity(FunctionDescriptor function, FunctionInvoker invoker) : ITaskActivity
{
    public Type InputType { get; } = function.TriggerParameter.ParameterType;

    public Type OutputType { get; } = FunctionTasks.ResultType(function.Method.ReturnType);

    public Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The instance id names the order of a lifecycle activity: its span gets the order id (never the input).
        var named = new Dictionary<string, string?> { [Invocation.FunctionActivity.InstanceIdValue] = context.InstanceId };
        return invoker.InvokeAsync(function, input, named, services: null, CancellationToken.None);
    }
}
