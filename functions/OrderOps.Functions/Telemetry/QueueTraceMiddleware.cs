using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// Function-app mode only: a queue-triggered invocation continues the trace of the message's sender. The Functions host
/// starts a queue invocation in a trace of its own (Storage queues carry no context besides the body), so this opens the
/// function's span (source <c>OrderOps.Functions</c>, as in standalone mode) under the context in the body
/// (<see cref="QueueTraceContext"/>), linked to the host's invocation span; the function's own work nests under it.
/// Standalone mode's queue pump does the same when it invokes the function.
/// </summary>
internal sealed class QueueTraceMiddleware : IFunctionsWorkerMiddleware
{
    private static readonly Dictionary<string, string?> NoNamedValues = [];

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        using var activity = Start(context.FunctionDefinition.Name, context.BindingContext.BindingData, Activity.Current);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// The span for a queue invocation whose message carries a trace context, under that context and linked to
    /// <paramref name="hostInvocation"/>; null for any other invocation.
    /// </summary>
    internal static Activity? Start(string functionName, IReadOnlyDictionary<string, object?> bindingData, Activity? hostInvocation)
    {
        if (!QueueTriggeredFunctions.TryGet(functionName, out var function)
            || QueueFailureMiddleware.Describe(bindingData) is not { } message
            || !QueueTraceContext.TryExtract(message.Body, out var sender))
        {
            return null;
        }

        ActivityLink[]? links = hostInvocation is null ? null : [new ActivityLink(hostInvocation.Context)];
        return FunctionActivity.Start(function, NoNamedValues, sender, links);
    }
}
