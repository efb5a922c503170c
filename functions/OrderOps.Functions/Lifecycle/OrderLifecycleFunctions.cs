using Microsoft.DurableTask;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Lifecycle;

/// <summary>
/// The order lifecycle as Durable Functions: the orchestrator (one instance per order, see
/// <see cref="OrderLifecycleOrchestrator"/>) and one activity per side effect, each a thin call into
/// <see cref="LifecycleActivities"/>. Standalone mode runs the same functions on the embedded durable runtime.
/// </summary>
public sealed class OrderLifecycleFunctions(LifecycleActivities activities)
{
    [Function(OrderLifecycleNames.Orchestrator)]
    public static Task<object?> RunOrchestratorAsync([OrchestrationTrigger] TaskOrchestrationContext context, OrderLifecycleInput input) =>
        OrderLifecycleOrchestrator.RunAsync(context, input);

    [Function(OrderLifecycleNames.Load)]
    public Task<LifecycleLoadResult> LoadAsync([ActivityTrigger] LifecycleLoadRequest request, CancellationToken cancellationToken) =>
        activities.LoadAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.Save)]
    public Task SaveAsync([ActivityTrigger] LifecycleSaveRequest request, CancellationToken cancellationToken) =>
        activities.SaveAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.Validate)]
    public Task<IReadOnlyList<string>> ValidateAsync([ActivityTrigger] string orderId, CancellationToken cancellationToken) =>
        activities.ValidateAsync(orderId, cancellationToken);

    [Function(OrderLifecycleNames.Reserve)]
    public Task<ReserveOutcome> ReserveAsync([ActivityTrigger] ReserveRequest request, CancellationToken cancellationToken) =>
        activities.ReserveAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.GiveBack)]
    public Task GiveBackAsync([ActivityTrigger] string reservationId, CancellationToken cancellationToken) =>
        activities.GiveBackAsync(reservationId, cancellationToken);

    [Function(OrderLifecycleNames.ReleaseToLocation)]
    public Task<FulfillmentCallResult> ReleaseToLocationAsync([ActivityTrigger] LocationReleaseRequest request, CancellationToken cancellationToken) =>
        activities.ReleaseToLocationAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.CancelAtLocation)]
    public Task<FulfillmentCallResult> CancelAtLocationAsync([ActivityTrigger] LocationCancelRequest request, CancellationToken cancellationToken) =>
        activities.CancelAtLocationAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.RecordShipment)]
    public Task RecordShipmentAsync([ActivityTrigger] ShipmentStockRequest request, CancellationToken cancellationToken) =>
        activities.RecordShipmentAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.NotifyChannel)]
    public Task<ChannelNotifyResult> NotifyChannelAsync([ActivityTrigger] ChannelNoticeRequest request, CancellationToken cancellationToken) =>
        activities.NotifyChannelAsync(request, cancellationToken);

    [Function(OrderLifecycleNames.PutException)]
    public Task PutExceptionAsync([ActivityTrigger] LifecycleException exception, CancellationToken cancellationToken) =>
        activities.PutExceptionAsync(exception, cancellationToken);
}
