using Microsoft.DurableTask;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// The channel-sync orchestration as Durable functions: one eternal instance per channel account
/// (<c>channel-sync:shopify:acme.myshopify.com</c>), started or signalled by <see cref="InventoryFanOutFunction"/>.
/// The logic lives in <see cref="ChannelSyncOrchestration"/> (deterministic) and <see cref="ChannelSyncActivities"/>
/// (the side effects); these methods only bind it to the triggers.
/// </summary>
public sealed class ChannelSyncFunctions(ChannelSyncActivities activities)
{
    [Function(ChannelSyncOrchestration.Name)]
    public static Task RunOrchestratorAsync([OrchestrationTrigger] TaskOrchestrationContext context, ChannelSyncInput input) =>
        ChannelSyncOrchestration.RunAsync(context, input);

    [Function(ChannelSyncOrchestration.PushActivity)]
    public Task<ChannelSyncRound> PushDueAsync([ActivityTrigger] string channel, CancellationToken cancellationToken) =>
        activities.PushDueAsync(channel, cancellationToken);

    [Function(ChannelSyncOrchestration.RecordActivity)]
    public Task<int> RecordAsync([ActivityTrigger] IReadOnlyList<PushCompletion> completions, CancellationToken cancellationToken) =>
        activities.RecordAsync(completions, cancellationToken);
}
