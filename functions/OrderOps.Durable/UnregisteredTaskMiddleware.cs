using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;

namespace OrderOps.Durable;

/// <summary>
/// Turns "no orchestrator/activity of that name" into a failure of that instance. DurableTask.Core alone abandons
/// such a work item and retries it for ever (it assumes a deployment will bring the code back); here the instance
/// fails at once with an error naming it, and the worker goes on with the others.
/// </summary>
internal static class UnregisteredTaskMiddleware
{
    public static async Task OrchestrationAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        if (context.GetProperty<TaskOrchestration>() is null && context.GetProperty<OrchestrationRuntimeState>() is { } state)
        {
            var message = $"Orchestration instance '{state.OrchestrationInstance?.InstanceId}' names orchestrator '{state.Name}', which is not registered.";
            // Not OrchestratorExecutionResult.ForFailure: it sets no FailureDetails, and a parent's shim needs them.
            context.SetProperty(new OrchestratorExecutionResult
            {
                Actions =
                [
                    new OrchestrationCompleteOrchestratorAction
                    {
                        OrchestrationStatus = OrchestrationStatus.Failed,
                        Result = message,
                        FailureDetails = new FailureDetails("OrchestratorNotRegistered", message, stackTrace: null, innerFailure: null, isNonRetriable: true),
                    },
                ],
            });
            return;
        }

        await next();
    }

    public static async Task ActivityAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        if (context.GetProperty<TaskActivity>() is null && context.GetProperty<TaskScheduledEvent>() is { } scheduled)
        {
            var instanceId = context.GetProperty<OrchestrationInstance>()?.InstanceId;
            var message = $"Orchestration instance '{instanceId}' called activity '{scheduled.Name}', which is not registered.";
            context.SetProperty(new ActivityExecutionResult
            {
                ResponseEvent = new TaskFailedEvent(-1, scheduled.EventId, message, details: null,
                    new FailureDetails("ActivityNotRegistered", message, stackTrace: null, innerFailure: null, isNonRetriable: true)),
            });
            return;
        }

        await next();
    }
}
