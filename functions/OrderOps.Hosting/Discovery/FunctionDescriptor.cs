using System.Reflection;

namespace OrderOps.Hosting.Discovery;

/// <summary>
/// One <c>[Function]</c> method as its attributes declare it: the same declaration the Functions SDK turns into
/// <c>functions.metadata</c> for the host, read here so standalone mode runs exactly what Azure would.
/// </summary>
public sealed record FunctionDescriptor
{
    public required string Name { get; init; }

    public required MethodInfo Method { get; init; }

    public required TriggerKind Kind { get; init; }

    /// <summary>The parameter carrying the trigger attribute.</summary>
    public required ParameterInfo TriggerParameter { get; init; }

    /// <summary>The trigger attribute itself (<c>HttpTriggerAttribute</c>, <c>TimerTriggerAttribute</c>...).</summary>
    public required Attribute Trigger { get; init; }

    /// <summary>An orchestrator's input parameter (beside its context), when it declares one.</summary>
    public ParameterInfo? InputParameter { get; init; }

    public override string ToString() => $"{Name} ({Method.DeclaringType?.Name}.{Method.Name})";
}
