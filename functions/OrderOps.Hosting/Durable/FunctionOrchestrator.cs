using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.DurableTask;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Durable;

/// <summary>
/// Runs a static <c>[OrchestrationTrigger]</c> method as an <see cref="ITaskOrchestrator"/>: the context as the
/// trigger, the orchestration's input (deserialized to the declared parameter type) as the input binding.
/// </summary>
internal sealed class FunctionOrchestrator(FunctionDescriptor function) : ITaskOrchestrator
{
    public Type InputType { get; } = function.InputParameter?.ParameterType ?? typeof(object);

    public Type OutputType { get; } = FunctionTasks.ResultType(function.Method.ReturnType);

    public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var arguments = function.Method.GetParameters().Select(p =>
            p == function.TriggerParameter ? context
            : p == function.InputParameter ? input
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : throw new InvalidOperationException($"Orchestrator '{function.Name}' asks for '{p.Name}', which an orchestrator cannot be given.")).ToArray();
        object? returned;
        try
        {
            returned = function.Method.Invoke(null, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        return await Invocation.FunctionInvoker.UnwrapAsync(returned);
    }
}
