using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace OrderOps.Hosting.Discovery;

/// <summary>
/// Finds the <c>[Function]</c> methods of an assembly and checks, at start, that standalone mode can call each one:
/// a trigger it drives, and parameters it can supply. A function it could not call stops the app with its name
/// instead of failing on its first invocation.
/// </summary>
/// <remarks>
/// Parameters standalone mode supplies, as the isolated worker does: the trigger (<see cref="HttpRequest"/>,
/// <see cref="TimerInfo"/>, a queue message as <see cref="string"/>, a blob as <see cref="Stream"/>, a
/// <see cref="TaskOrchestrationContext"/> and the orchestration's input, an activity's input), route values and
/// blob-path tokens by name, a <c>[DurableClient]</c> <see cref="DurableTaskClient"/>, and
/// <see cref="CancellationToken"/>. Services come from the function class's constructor. <c>FunctionContext</c> is
/// not supplied: it has no public implementation outside the worker. Orchestrators must be static: they are
/// deterministic code over their context and input, with no services to inject.
/// </remarks>
public static class FunctionDiscovery
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not null)
                {
                    functions.Add(Describe(method));
                }
            }
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two functions are named '{duplicate.Key}': {string.Join(", ", duplicate)}.");
        }

        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Describes one method as a function (named by its <c>[Function]</c> attribute, else by the method), or throws
    /// naming it when standalone mode could not call it.
    /// </summary>
    public static FunctionDescriptor Describe(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var name = method.GetCustomAttribute<FunctionAttribute>()?.Name ?? method.Name;
        var triggers = method.GetParameters()
            .Select(p => (Parameter: p, Trigger: TriggerOf(p)))
            .Where(t => t.Trigger.Attribute is not null)
            .ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"Function '{name}' must have exactly one trigger parameter that standalone mode can drive (HTTP, timer, queue, blob, orchestration or activity); it has {triggers.Count}.");
        }

        var (parameter, (kind, attribute)) = triggers[0];
        var others = method.GetParameters().Where(p => p != parameter).ToList();
        var input = kind == TriggerKind.Orchestration ? others.FirstOrDefault(IsOrchestrationInput) : null;
        if (kind == TriggerKind.Orchestration && !method.IsStatic)
        {
            throw new InvalidOperationException($"Orchestrator function '{name}' must be static: an orchestrator is deterministic code over its context and input, with no services.");
        }

        var descriptor = new FunctionDescriptor { Name = name, Method = method, Kind = kind, TriggerParameter = parameter, Trigger = attribute!, InputParameter = input };
        var names = BindableNames(descriptor);
        foreach (var other in others.Where(p => p != input))
        {
            if (other.ParameterType != typeof(CancellationToken) && !IsDurableClient(other) && !(other.ParameterType == typeof(string) && names.Contains(other.Name!)))
            {
                throw new InvalidOperationException(
                    $"Function '{name}' has a parameter '{other.Name}' ({other.ParameterType.Name}) that standalone mode cannot supply: take services through the constructor, route values and blob-path tokens as strings named like the token.");
            }
        }

        var expected = ExpectedTriggerType(kind);
        if (expected.Length > 0 && !expected.Contains(parameter.ParameterType))
        {
            throw new InvalidOperationException($"The trigger parameter of function '{name}' is {parameter.ParameterType.Name}; standalone mode supplies {string.Join(" or ", expected.Select(t => t.Name))}.");
        }

        return descriptor;
    }

    private static (TriggerKind Kind, Attribute? Attribute) TriggerOf(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http ? (TriggerKind.Http, http)
        : parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer ? (TriggerKind.Timer, timer)
        : parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue ? (TriggerKind.Queue, queue)
        : parameter.GetCustomAttribute<BlobTriggerAttribute>() is { } blob ? (TriggerKind.Blob, blob)
        : parameter.GetCustomAttribute<OrchestrationTriggerAttribute>() is { } orchestration ? (TriggerKind.Orchestration, orchestration)
        : parameter.GetCustomAttribute<ActivityTriggerAttribute>() is { } activity ? (TriggerKind.Activity, activity)
        : (default, null);

    /// <summary>A <c>[DurableClient]</c> parameter: the app's <see cref="DurableTaskClient"/>, from DI.</summary>
    internal static bool IsDurableClient(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<DurableClientAttribute>() is not null && parameter.ParameterType == typeof(DurableTaskClient);

    /// <summary>An orchestrator's input binding: any parameter besides the context that is neither a client nor a token.</summary>
    private static bool IsOrchestrationInput(ParameterInfo parameter) =>
        parameter.ParameterType != typeof(CancellationToken) && !IsDurableClient(parameter) && parameter.GetCustomAttributes().All(a => a is not DurableClientAttribute);

    private static Type[] ExpectedTriggerType(TriggerKind kind) => kind switch
    {
        TriggerKind.Http => [typeof(HttpRequest)],
        TriggerKind.Timer => [typeof(TimerInfo)],
        TriggerKind.Queue => [typeof(string)],
        TriggerKind.Blob => [typeof(Stream)],
        TriggerKind.Orchestration => [typeof(TaskOrchestrationContext)],
        TriggerKind.Activity => [], // the activity's input, of whatever type it declares
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Names a function may take as extra string parameters: route values, or the blob path's tokens.</summary>
    internal static HashSet<string> BindableNames(FunctionDescriptor function) => function.Trigger switch
    {
        HttpTriggerAttribute http when http.Route is { } route => RoutePatternFactory.Parse(route).Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
        BlobTriggerAttribute blob => BlobPath.Parse(blob.BlobPath).Tokens.ToHashSet(StringComparer.OrdinalIgnoreCase),
        _ => new HashSet<string>(StringComparer.OrdinalIgnoreCase),
    };
}
