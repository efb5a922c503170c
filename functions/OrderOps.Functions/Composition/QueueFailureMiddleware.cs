using System.Globalization;
using System.Reflection;
using Microsoft.Azure.Functions.Worker.Middleware;
using OrderOps.Storage.Azure.Messaging;

namespace OrderOps.Functions.Composition;

/// <summary>
/// Function-app mode only: when a queue-triggered invocation throws, records the error against the message body before
/// the exception goes back to the host. The host retries and finally copies the body to <c>{queue}-poison</c> under a
/// new id, keeping no error; <c>GET /api/queues/{queue}/deadletters</c> joins the poison copy to this record by body.
/// Standalone mode's pump records errors itself when it abandons a message.
/// </summary>
internal sealed partial class QueueFailureMiddleware(ILogger<QueueFailureMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (QueueTriggeredFunctions.TryGet(context.FunctionDefinition.Name, out var function)
            && Describe(context.BindingContext.BindingData) is { } message
            && context.InstanceServices.GetService<IQueueFailureRecorder>() is { } recorder)
        {
            var queue = QueueTriggeredFunctions.QueueOf(function);
            var error = ex is AggregateException or TargetInvocationException && ex.InnerException is { } inner ? inner : ex;
            try
            {
                await recorder.RecordFailureAsync(queue, message.Body, message.DequeueCount, $"{error.GetType().Name}: {error.Message}", context.CancellationToken);
            }
            catch (Exception recordFailed) when (recordFailed is not OperationCanceledException)
            {
                // The retry must not depend on the bookkeeping: the message still fails as it would have.
                LogNotRecorded(recordFailed, queue, context.FunctionDefinition.Name);
            }

            throw;
        }
    }

    /// <summary>
    /// The raw message text and its delivery count from a queue trigger's binding data (<c>QueueTrigger</c>,
    /// <c>DequeueCount</c>, as the Storage queue extension names them); null when they are not there.
    /// </summary>
    public static (string Body, int DequeueCount)? Describe(IReadOnlyDictionary<string, object?> bindingData)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        if (!bindingData.TryGetValue("QueueTrigger", out var body) || body?.ToString() is not { } text)
        {
            return null;
        }

        var count = bindingData.TryGetValue("DequeueCount", out var value) && int.TryParse(value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return (text, count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The failure of a message on {Queue} ({Function}) could not be recorded; its dead letter will show no error.")]
    private partial void LogNotRecorded(Exception exception, string queue, string function);
}
