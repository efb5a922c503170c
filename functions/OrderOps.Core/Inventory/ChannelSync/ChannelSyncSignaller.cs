using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Inventory.FanOut;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>
/// Tells the accounts' channel-sync orchestrations that pushes were scheduled: starts the account's singleton when it
/// is not running, else raises <see cref="ChannelSyncOrchestration.ChangedEvent"/> to it. Race-free: two signallers
/// that both find no instance both try to start it under the same id; the loser gets "already exists" and raises
/// instead, and a raise to an instance that has not begun yet waits in its queue.
/// </summary>
public sealed partial class ChannelSyncSignaller(ChannelAccounts accounts, InventoryOptions options, TimeProvider time, ILogger<ChannelSyncSignaller> logger)
{
    /// <summary>
    /// A start under an id in one of these states fails with "already exists" instead of replacing the instance (said
    /// explicitly: a gRPC backend without a reuse policy would otherwise queue a second start).
    /// </summary>
    private static readonly string[] NotReplaceable =
        [nameof(OrchestrationRuntimeStatus.Pending), nameof(OrchestrationRuntimeStatus.Running), nameof(OrchestrationRuntimeStatus.Suspended)];

    /// <summary>Signals the accounts of the channels a planning round scheduled pushes for.</summary>
    public Task SignalAsync(DurableTaskClient client, FanOutPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(plan);
        return Task.WhenAll(plan.DueByChannel
            .Select(due => (Account: accounts.Find(due.Key), DueAt: due.Value))
            .Where(due => due.Account is not null)
            .Select(due => SignalAsync(client, due.Account!, due.DueAt, cancellationToken)));
    }

    /// <summary>
    /// Signals every account to look now: after a reconcile, and so an orchestration that failed or was terminated
    /// is started again even when nothing new was scheduled for it.
    /// </summary>
    public Task SignalAllAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        return Task.WhenAll(accounts.All.Select(account => SignalAsync(client, account, now, cancellationToken)));
    }

    private async Task SignalAsync(DurableTaskClient client, ChannelAccount account, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(account.InstanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            try
            {
                var input = new ChannelSyncInput { Channel = account.Channel, FailureBackoff = options.FanOut.MaxBackoff };
                await client.ScheduleNewOrchestrationInstanceAsync(ChannelSyncOrchestration.Name, input, new StartOrchestrationOptions(account.InstanceId) { DedupeStatuses = NotReplaceable }, cancellationToken);
                LogStarted(account.InstanceId, instance?.RuntimeStatus.ToString() ?? "absent");
                return;
            }
            catch (OrchestrationAlreadyExistsException)
            {
                // Another signaller started it between our read and our start: it is running, so raise to it.
            }
        }

        await client.RaiseEventAsync(account.InstanceId, ChannelSyncOrchestration.ChangedEvent, new ChannelSyncSignal(dueAt), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started channel sync {InstanceId} (was {Status}).")]
    private partial void LogStarted(string instanceId, string status);
}
