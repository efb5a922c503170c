using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Invocation;

/// <summary>
/// Calls one <c>[Function]</c> method the way the isolated worker does: an instance of its class per invocation,
/// created from a DI scope (constructor injection), the trigger value and named values as arguments, the returned
/// task awaited. Exceptions reach the caller unwrapped, so each trigger applies its own retry rules.
/// </summary>
public sealed partial class FunctionInvoker(IServiceScopeFactory scopes, ILogger<FunctionInvoker> logger)
{
    /// <summary>One constructor lookup per function class, not one per invocation (every webhook is one).</summary>
    private readonly ConcurrentDictionary<Type, ObjectFactory> _factories = new();

    /// <summary>
    /// The <c>Result</c> getter per task type, held here: reflection's own cache is weak, so under GC pressure every
    /// lookup would emit a fresh invoke stub (a dynamic method the finalizer then has to destroy).
    /// </summary>
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> ResultProperties = new();

    /// <param name="services">The request's services for HTTP; null to run in a fresh scope.</param>
    public Task<object?> InvokeAsync(
        FunctionDescriptor function,
        object? triggerValue,
        IReadOnlyDictionary<string, string?> namedValues,
        IServiceProvider? services,
        CancellationToken cancellationToken) =>
        InvokeAsync(function, triggerValue, namedValues, services, parent: default, cancellationToken);

    /// <param name="services">The request's services for HTTP; null to run in a fresh scope.</param>
    /// <param name="parent">The trace the invocation continues (a queue message's sender); default for the current one.</param>
    public async Task<object?> InvokeAsync(
        FunctionDescriptor function,
        object? triggerValue,
        IReadOnlyDictionary<string, string?> namedValues,
        IServiceProvider? services,
        ActivityContext parent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(namedValues);
        AsyncServiceScope? scope = services is null ? scopes.CreateAsyncScope() : null;
        var started = Stopwatch.GetTimestamp();
        using var activity = FunctionActivity.Start(function, namedValues, parent);
        try
        {
            var provider = services ?? scope!.Value.ServiceProvider;
            var method = function.Method;
            var target = method.IsStatic ? null : provider.GetService(method.DeclaringType!) ?? Factory(method.DeclaringType!)(provider, null);
            var arguments = method.GetParameters().Select(p =>
                p == function.TriggerParameter ? triggerValue
                : p.ParameterType == typeof(CancellationToken) ? cancellationToken
                : FunctionDiscovery.IsDurableClient(p) ? provider.GetRequiredService<DurableTaskClient>()
                : namedValues.GetValueOrDefault(p.Name!)).ToArray();
            object? returned;
            try
            {
                returned = method.Invoke(target, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            var result = await UnwrapAsync(returned);
            LogSucceeded(function.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Exception messages are ours and carry ids only; payloads and personal data never go into them.
            LogFailed(ex, function.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            if (scope is { } owned)
            {
                await owned.DisposeAsync();
            }
        }
    }

    private ObjectFactory Factory(Type type) => _factories.GetOrAdd(type, t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes));

    internal static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                return ResultProperties.GetOrAdd(task.GetType(), ResultOf)?.GetValue(task);
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                if (returned?.GetType() is { IsGenericType: true } generic && generic.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    return await UnwrapAsync(generic.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null));
                }

                return returned;
        }
    }

    private static PropertyInfo? ResultOf(Type taskType) =>
        taskType.IsGenericType && taskType.GetGenericArguments()[0].Name != "VoidTaskResult" ? taskType.GetProperty(nameof(Task<object>.Result)) : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Function {Function} succeeded in {ElapsedMs:F1} ms.")]
    private partial void LogSucceeded(string function, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed after {ElapsedMs:F1} ms.")]
    private partial void LogFailed(Exception exception, string function, double elapsedMs);
}
