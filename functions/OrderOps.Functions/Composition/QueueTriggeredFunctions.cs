using System.Reflection;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Functions.Composition;

/// <summary>
/// The app's queue-triggered functions by name, found by their attributes (a worker middleware sees the function's
/// name, and the binding metadata does not carry the queue).
/// </summary>
internal static class QueueTriggeredFunctions
{
    private static readonly Lazy<IReadOnlyDictionary<string, FunctionDescriptor>> Functions = new(() =>
        FunctionDiscovery.Discover(Assembly.GetExecutingAssembly())
            .Where(f => f.Trigger is QueueTriggerAttribute)
            .ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase));

    public static bool TryGet(string functionName, out FunctionDescriptor function) => Functions.Value.TryGetValue(functionName, out function!);

    /// <summary>The queue the function reads, as its attribute names it.</summary>
    public static string QueueOf(FunctionDescriptor function) => ((QueueTriggerAttribute)function.Trigger).QueueName;
}
