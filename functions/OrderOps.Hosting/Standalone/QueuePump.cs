using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Feeds a queue-triggered function from the queue port with up to <see cref="StandaloneOptions.QueueConcurrency"/>
/// invocations in flight. Success completes (deletes) the message; failure abandons it: visible again after a
/// backoff, or poisoned once it has used up its deliveries, as the Functions host does with Storage queues. Each
/// invocation's span continues the trace of the message's sender (<see cref="QueueTraceContext"/>).
/// </summary>
public sealed partial class QueuePump(
    IQueueReceiver receiver,
    FunctionInvoker invoker,
    IConfiguration configuration,
    TimeProvider time,
    IOptions<StandaloneOptions> options,
    ILogger<QueuePump> logger) : IStandaloneTriggerPump
{
    public TriggerKind Kind => TriggerKind.Queue;

    public async Task RunAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var queue = SettingExpressions.Resolve(((QueueTriggerAttribute)function.Trigger).QueueName, configuration);
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.QueueConcurrency, settings.QueueConcurrency);
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
                    batch = await receiver.ReceiveAsync(queue, free, settings.VisibilityTimeout, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    slots.Release();
                    LogReceiveFailed(ex, queue);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                    continue;
                }

                if (batch.Count == 0)
                {
                    slots.Release();
                    await receiver.WaitForMessagesAsync(queue, settings.IdlePollInterval, cancellationToken);
                    continue;
                }

                // One slot is held already; take one more per extra message (they were free when we asked).
                for (var i = 1; i < batch.Count; i++)
                {
                    await slots.WaitAsync(cancellationToken);
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.AddRange(batch.Select(message => ProcessAsync(function, message, slots, cancellationToken)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // Let running invocations finish their bookkeeping; unfinished ones reappear after the visibility timeout.
        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(FunctionDescriptor function, ReceivedMessage message, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            try
            {
                QueueTraceContext.TryExtract(message.Body, out var sender);
                await invoker.InvokeAsync(function, message.Body, new Dictionary<string, string?>(), services: null, sender, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (await receiver.AbandonAsync(message, $"{ex.GetType().Name}: {ex.Message}", cancellationToken) == AbandonOutcome.DeadLettered)
                {
                    LogPoisoned(message.MessageId, message.QueueName, message.DeliveryCount);
                }

                return;
            }

            await receiver.CompleteAsync(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message stays hidden and comes back after its visibility timeout.
        }
        catch (Exception ex)
        {
            LogSettleFailed(ex, message.MessageId, message.QueueName);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from queue {Queue} failed; retrying in 1 s.")]
    private partial void LogReceiveFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on {Queue} was poisoned after {Deliveries} deliveries.")]
    private partial void LogPoisoned(string messageId, string queue, int deliveries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling message {MessageId} on {Queue} failed; it will be delivered again.")]
    private partial void LogSettleFailed(Exception exception, string messageId, string queue);
}
