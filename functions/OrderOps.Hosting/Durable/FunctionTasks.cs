using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Durable;

/// <summary>
/// Standalone mode's bridge from <c>[OrchestrationTrigger]</c> and <c>[ActivityTrigger]</c> functions to a
/// <see cref="DurableTaskRegistry"/>, so the embedded durable runtime runs the very methods the Functions host runs
/// under Durable Functions. Found by their attributes, like every other function: there is no second list to keep.
/// </summary>
public static class FunctionTasks
{
    public static DurableTaskRegistry AddFunctionTasks(this DurableTaskRegistry registry, IEnumerable<FunctionDescriptor> functions)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions)
        {
            switch (function.Kind)
            {
                case TriggerKind.Orchestration:
                    var orchestrator = new FunctionOrchestrator(function);
                    registry.AddOrchestrator(function.Name, () => orchestrator);
                    break;
                case TriggerKind.Activity:
                    registry.AddActivity(function.Name, services => new FunctionActivity(function, services.GetRequiredService<FunctionInvoker>()));
                    break;
            }
        }

        return registry;
    }

    /// <summary>The declared result of a method: T of Task&lt;T&gt; / ValueTask&lt;T&gt;, else the return type.</summary>
    internal static Type ResultType(Type returnType) =>
        returnType == typeof(Task) || returnType == typeof(ValueTask) || returnType == typeof(void) ? typeof(object)
        : returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)) ? returnType.GetGenericArguments()[0]
        : returnType;
}
