using Microsoft.DurableTask;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Lifecycle;

/// <summary>
/// Registers the order lifecycle's orchestrator and activities for hosts other than the Function app (the in-process
/// test host): lambdas with declared input types, the same names and the same code the Functions run.
/// </summary>
public static class LifecycleRegistration
{
    /// <param name="loadSeam">Rewrites what the load activity returns (to play a history an older load wrote).</param>
    public static DurableTaskRegistry AddOrderLifecycle(this DurableTaskRegistry registry, LifecycleActivities activities, Func<LifecycleLoadResult, LifecycleLoadResult>? loadSeam = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(activities);
        return registry
            .AddOrchestratorFunc<OrderLifecycleInput, object?>(OrderLifecycleNames.Orchestrator, (context, input) => OrderLifecycleOrchestrator.RunAsync(context, input))
            .AddActivityFunc<LifecycleLoadRequest, LifecycleLoadResult>(OrderLifecycleNames.Load, async (_, input) =>
            {
                var loaded = await activities.LoadAsync(input, default);
                return loadSeam is null ? loaded : loadSeam(loaded);
            })
            .AddActivityFunc<LifecycleSaveRequest, bool>(OrderLifecycleNames.Save, async (_, input) => { await activities.SaveAsync(input, default); return true; })
            .AddActivityFunc<string, IReadOnlyList<string>>(OrderLifecycleNames.Validate, (_, input) => activities.ValidateAsync(input, default))
            .AddActivityFunc<ReserveRequest, ReserveOutcome>(OrderLifecycleNames.Reserve, (_, input) => activities.ReserveAsync(input, default))
            .AddActivityFunc<string, bool>(OrderLifecycleNames.GiveBack, async (_, input) => { await activities.GiveBackAsync(input, default); return true; })
            .AddActivityFunc<LocationReleaseRequest, FulfillmentCallResult>(OrderLifecycleNames.ReleaseToLocation, (_, input) => activities.ReleaseToLocationAsync(input, default))
            .AddActivityFunc<LocationCancelRequest, FulfillmentCallResult>(OrderLifecycleNames.CancelAtLocation, (_, input) => activities.CancelAtLocationAsync(input, default))
            .AddActivityFunc<ShipmentStockRequest, bool>(OrderLifecycleNames.RecordShipment, async (_, input) => { await activities.RecordShipmentAsync(input, default); return true; })
            .AddActivityFunc<ChannelNoticeRequest, ChannelNotifyResult>(OrderLifecycleNames.NotifyChannel, (_, input) => activities.NotifyChannelAsync(input, default))
            .AddActivityFunc<LifecycleException, bool>(OrderLifecycleNames.PutException, async (_, input) => { await activities.PutExceptionAsync(input, default); return true; });
    }
}
