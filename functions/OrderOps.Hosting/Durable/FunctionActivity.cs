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
    private static readonly Dictionary<string, string?> NoNamedValues = [];

    public Type InputType { get; } = function.TriggerParameter.ParameterType;

    public Type OutputType { get; } = FunctionTasks.ResultType(function.Method.ReturnType);

    public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
        invoker.InvokeAsync(function, input, NoNamedValues, services: null, CancellationToken.None);
}
