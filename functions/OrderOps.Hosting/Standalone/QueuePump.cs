using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Feeds a queue-triggered function from the embedded queue with up to MaxConcurrentCalls invocations in flight.
/// Success sends the outputs, then completes the message; failure abandons it (backoff, then dead-letter).
/// </summary>
public sealed class QueuePump(
    IQueueReceiver receiver,
    FunctionInvoker invoker,
    OutputDispatcher outputs,
    TimeProvider time,
    IOptions<StandaloneOptions> options,
    ILogger<QueuePump> logger) : IStandaloneTriggerPump
{
    public bool CanPump(FunctionDefinition function) => function.Trigger is QueueTrigger;

    public async Task RunAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = (QueueTrigger)function.Trigger;
        var visibility = options.Value.VisibilityTimeout ?? trigger.VisibilityTimeout;
        using var slots = new SemaphoreSlim(trigger.MaxConcurrentCalls, trigger.MaxConcurrentCalls);
        var inFlight = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await slots.WaitAsync(cancellationToken);
                var free = slots.CurrentCount + 1;
                IReadOnlyList<ReceivedMessage> batch;
                try
                {
                    batch = await receiver.ReceiveAsync(trigger.QueueName, free, visibility, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    slots.Release();
                    logger.LogError(ex, "Receiving from queue {Queue} failed; retrying.", trigger.QueueName);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                    continue;
                }

                if (batch.Count == 0)
                {
                    slots.Release();
                    await receiver.WaitForMessagesAsync(trigger.QueueName, options.Value.IdlePollInterval, cancellationToken);
                    continue;
                }

                // One slot is held already; take one more per extra message (they were free when we asked).
                for (var i = 1; i < batch.Count; i++)
                {
                    await slots.WaitAsync(cancellationToken);
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                foreach (var message in batch)
                {
                    inFlight.Add(ProcessAsync(function, message, slots, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // Let running invocations finish their bookkeeping; unfinished ones reappear after the visibility timeout.
        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(FunctionDefinition function, ReceivedMessage message, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var data = new Dictionary<string, JsonElement> { [function.Trigger.BindingName] = JsonSerializer.SerializeToElement(message.Body) };
            var outcome = await invoker.InvokeAsync(function, data, Metadata(message), cancellationToken);
            if (outcome.Succeeded)
            {
                await outputs.DispatchAsync(function, outcome.Context, outcome.Result!, cancellationToken);
                await receiver.CompleteAsync(message, cancellationToken);
                return;
            }

            var result = await receiver.AbandonAsync(message, Describe(outcome.Error!), cancellationToken);
            if (result == AbandonOutcome.DeadLettered)
            {
                logger.LogError("Message {MessageId} on {Queue} was dead-lettered after {Count} deliveries.", message.MessageId, message.QueueName, message.DeliveryCount);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message stays locked and comes back after its visibility timeout.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Settling message {MessageId} on {Queue} failed; it will be redelivered.", message.MessageId, message.QueueName);
        }
        finally
        {
            slots.Release();
        }
    }

    private Dictionary<string, JsonElement> Metadata(ReceivedMessage message) => new()
    {
        ["MessageId"] = JsonSerializer.SerializeToElement(message.MessageId),
        ["DeliveryCount"] = JsonSerializer.SerializeToElement(message.DeliveryCount),
        ["EnqueuedTimeUtc"] = JsonSerializer.SerializeToElement(message.EnqueuedAt),
        ["sys"] = JsonSerializer.SerializeToElement(new { MethodName = message.QueueName, UtcNow = time.GetUtcNow(), RandGuid = Guid.NewGuid() }),
    };

    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";
}
