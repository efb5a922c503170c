using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Invocation;

/// <summary>Runs one invocation of a non-HTTP function in its own DI scope. Shared by both hosting modes.</summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes, ILogger<FunctionInvoker> logger)
{
    public async Task<InvocationOutcome> InvokeAsync(
        FunctionDefinition function,
        IReadOnlyDictionary<string, JsonElement> data,
        IReadOnlyDictionary<string, JsonElement> metadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var context = new FunctionContext
        {
            FunctionName = function.Name,
            InvocationId = Guid.NewGuid().ToString("N"),
            TriggerBindingName = function.Trigger.BindingName,
            Data = data,
            Metadata = metadata,
        };

        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var handler = (IFunctionHandler)ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, function.HandlerType!);
            var result = await handler.InvokeAsync(context, cancellationToken);
            logger.LogDebug("Function {Function} succeeded in {Elapsed} ms.", function.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new InvocationOutcome(context, result, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Exception messages are ours and carry ids only; payloads and personal data never go into them.
            logger.LogWarning(ex, "Function {Function} failed.", function.Name);
            context.Log($"{function.Name} failed: {ex.GetType().Name}: {ex.Message}");
            return new InvocationOutcome(context, null, ex);
        }
    }
}

/// <summary>An invocation's result, or the exception that failed it.</summary>
public sealed record InvocationOutcome(FunctionContext Context, FunctionResult? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}
