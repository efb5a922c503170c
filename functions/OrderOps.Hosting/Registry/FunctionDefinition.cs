namespace OrderOps.Hosting.Registry;

/// <summary>
/// One function, declared once: its name, what triggers it, where its outputs go, and the code that runs.
/// HTTP functions run as minimal-API endpoints (<see cref="HttpHandler"/>); every other trigger runs an
/// <see cref="Invocation.IFunctionHandler"/> (<see cref="HandlerType"/>) fed either by a standalone pump or by the
/// Azure Functions host's invocation envelope.
/// </summary>
public sealed record FunctionDefinition
{
    public required string Name { get; init; }

    public required FunctionTrigger Trigger { get; init; }

    public IReadOnlyList<OutputBinding> Outputs { get; init; } = [];

    /// <summary>For <see cref="HttpTrigger"/>: a minimal-API route handler (parameters bound by ASP.NET Core).</summary>
    public Delegate? HttpHandler { get; init; }

    /// <summary>For every other trigger: a type implementing <see cref="Invocation.IFunctionHandler"/>, created per invocation.</summary>
    public Type? HandlerType { get; init; }
}
