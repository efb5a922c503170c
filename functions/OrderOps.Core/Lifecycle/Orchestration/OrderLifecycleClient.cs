using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// Hands messages to orders' orchestrations. <see cref="SignalAsync"/> starts the order's instance with the message
/// as its input if none runs, and raises the message as an event otherwise; when two callers race to start the same
/// order, the loser sees the winner's instance and raises instead, so both messages arrive. A failed or terminated
/// instance is started again: it resumes from the state saved in the order record.
/// </summary>
public static class OrderLifecycleClient
{
    /// <summary>How long a signal waits for a just-scheduled instance to start before it gives up (and the caller retries).</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    public static async Task SignalAsync(this DurableTaskClient client, LifecycleMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(message);
        var instanceId = OrderLifecycleNames.InstanceId(message.OrderId);
        for (var attempt = 1; ; attempt++)
        {
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (instance is not null && !IsEnded(instance.RuntimeStatus))
            {
                if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
                {
                    // DurableTask.AzureStorage drops an event that reaches an instance before its start has been
                    // processed ("no such instance"), so raise only once it runs. Past the patience this throws, and
                    // the caller's retry (queue redelivery, the HTTP client) signals again: never a lost message.
                    using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    patience.CancelAfter(StartPatience);
                    try
                    {
                        await client.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs: false, patience.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"The lifecycle instance '{instanceId}' was scheduled but did not start within {StartPatience}; signal again.");
                    }
                }

                await client.RaiseEventAsync(instanceId, OrderLifecycleNames.Event, message, cancellationToken);
                return;
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    OrderLifecycleNames.Orchestrator,
                    new OrderLifecycleInput(message.OrderId, null, message, null),
                    new StartOrchestrationOptions(instanceId),
                    cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
            {
                // Most likely another caller started it a moment ago (each backend words "already exists" its own way):
                // look again, and raise to the instance it started.
            }
        }
    }

    /// <summary>
    /// Signals the message, then waits until the order's orchestration reports what it did (null when that takes
    /// longer than the timeout: the message is accepted and will still be applied). A key sent before counts only if
    /// processed after this call began.
    /// </summary>
    public static async Task<LifecycleOutcome?> SignalAndWaitAsync(this DurableTaskClient client, LifecycleMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(message);
        var before = await ReadStatusAsync(client, OrderLifecycleNames.InstanceId(message.OrderId), cancellationToken);
        await client.SignalAsync(message, cancellationToken);
        return await client.WaitForOutcomeAsync(message.OrderId, message.Key, before?.Processed ?? 0, timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the order's orchestration reports the outcome of the message with this key, processed after the
    /// <paramref name="afterSequence"/>th message, or the timeout passes (null).
    /// </summary>
    public static async Task<LifecycleOutcome?> WaitForOutcomeAsync(this DurableTaskClient client, string orderId, string key, long afterSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = OrderLifecycleNames.InstanceId(orderId);
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var status = await ReadStatusAsync(client, instanceId, cancellationToken);
            if (status?.Recent.FirstOrDefault(r => r.Key == key && r.Sequence > afterSequence) is { } entry)
            {
                return new LifecycleOutcome(orderId, entry.State, entry.Applied, entry.Note);
            }

            if (DateTimeOffset.UtcNow + pause > deadline)
            {
                return null;
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>The orchestration's status for the order API (null when the order never had one).</summary>
    public static async Task<OrderLifecycleInstance?> GetLifecycleInstanceAsync(this DurableTaskClient client, string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(OrderLifecycleNames.InstanceId(orderId), getInputsAndOutputs: true, cancellationToken);
        return instance is null
            ? null
            : new OrderLifecycleInstance(instance.InstanceId, instance.RuntimeStatus.ToString(), instance.LastUpdatedAt, instance.ReadCustomStatusAs<OrderLifecycleStatus>()?.Stalled);
    }

    private static async Task<OrderLifecycleStatus?> ReadStatusAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken) =>
        (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken))?.ReadCustomStatusAs<OrderLifecycleStatus>();

    private static bool IsEnded(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}

/// <summary>The order's orchestration as the order API shows it.</summary>
public sealed record OrderLifecycleInstance(string InstanceId, string RuntimeStatus, DateTimeOffset LastUpdatedAt, string? Stalled);
