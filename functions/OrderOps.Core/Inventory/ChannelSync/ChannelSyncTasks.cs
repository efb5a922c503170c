using Microsoft.DurableTask;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>
/// Registers the channel-sync orchestrator and activities on a <see cref="DurableTaskRegistry"/>, for hosts that are
/// not the Functions host (the in-process test host, the benchmark). Lambdas with declared input types: method groups
/// crash the Durable analyzer, and an undeclared input type reaches the code as a JsonElement.
/// </summary>
public static class ChannelSyncTasks
{
    public static DurableTaskRegistry AddChannelSync(this DurableTaskRegistry registry, ChannelSyncActivities activities)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(activities);
        return registry
            .AddOrchestratorFunc<ChannelSyncInput>(ChannelSyncOrchestration.Name, (context, input) => ChannelSyncOrchestration.RunAsync(context, input!))
            .AddActivityFunc<string, ChannelSyncRound>(ChannelSyncOrchestration.PushActivity, (_, channel) => activities.PushDueAsync(channel!, CancellationToken.None))
            .AddActivityFunc<IReadOnlyList<PushCompletion>, int>(ChannelSyncOrchestration.RecordActivity, (_, completions) => activities.RecordAsync(completions!, CancellationToken.None));
    }
}
