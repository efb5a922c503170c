using Microsoft.DurableTask;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// The lifecycle's steps as activity calls from the orchestrator. Transient failures (a storage hiccup, a location
/// timing out inside its own resilience pipeline and throwing) are retried here with backoff before the step counts
/// as failed.
/// </summary>
/// <remarks>
/// What the step's load already answered is not asked again: a load that found the order waiting for validation
/// brings its problems, and one for a channel without an acceptance message says so; the step uses those instead of
/// calling the validate and notify activities (which stay for histories and loads without the answers). A load that
/// says <see cref="LifecycleLoadResult.OneWritePerStep"/> has the step's exceptions held here and written by its save
/// (every raise and close records an event, so such a step always saves).
/// </remarks>
public sealed class ActivityLifecycleSteps(TaskOrchestrationContext context) : ILifecycleSteps
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    private readonly List<LifecycleException> _exceptionsForSave = [];

    /// <summary>The last load's result in this episode (null before the first).</summary>
    public LifecycleLoadResult? LastLoad { get; private set; }

    public async Task<LifecycleLoadResult> LoadAsync(LifecycleLoadRequest request) =>
        LastLoad = await Call<LifecycleLoadResult>(OrderLifecycleNames.Load, request);

    /// <summary>Decides the step on facts loaded before (instead of <see cref="LoadAsync"/>); returns them.</summary>
    public LifecycleLoadResult Reuse(LifecycleLoadResult loaded) => LastLoad = loaded;

    public Task SaveAsync(LifecycleSaveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_exceptionsForSave.Count > 0)
        {
            request = request with { Exceptions = [.. _exceptionsForSave] };
            _exceptionsForSave.Clear();
        }

        return context.CallActivityAsync(OrderLifecycleNames.Save, request, Retry);
    }

    public Task<IReadOnlyList<string>> ValidateAsync(string orderId) =>
        LastLoad?.Problems is { } problems ? Task.FromResult(problems) : Call<IReadOnlyList<string>>(OrderLifecycleNames.Validate, orderId);

    public Task<ReserveOutcome> ReserveAsync(ReserveRequest request) => Call<ReserveOutcome>(OrderLifecycleNames.Reserve, request);

    public Task GiveBackAsync(string reservationId) => context.CallActivityAsync(OrderLifecycleNames.GiveBack, reservationId, Retry);

    public Task<FulfillmentCallResult> ReleaseToLocationAsync(LocationReleaseRequest request) => Call<FulfillmentCallResult>(OrderLifecycleNames.ReleaseToLocation, request);

    public Task<FulfillmentCallResult> CancelAtLocationAsync(LocationCancelRequest request) => Call<FulfillmentCallResult>(OrderLifecycleNames.CancelAtLocation, request);

    public Task RecordShipmentAsync(ShipmentStockRequest request) => context.CallActivityAsync(OrderLifecycleNames.RecordShipment, request, Retry);

    public Task<ChannelNotifyResult> NotifyChannelAsync(ChannelNoticeRequest request) =>
        request.Kind == ChannelNoticeKinds.Acceptance && LastLoad?.AcceptanceNotApplicable == true
            ? Task.FromResult(ChannelNotifyResult.NotApplicable)
            : Call<ChannelNotifyResult>(OrderLifecycleNames.NotifyChannel, request);

    public Task PutExceptionAsync(LifecycleException exception)
    {
        if (LastLoad?.OneWritePerStep != true)
        {
            return context.CallActivityAsync(OrderLifecycleNames.PutException, exception, Retry);
        }

        _exceptionsForSave.Add(exception);
        return Task.CompletedTask;
    }

    private Task<T> Call<T>(string name, object input) => context.CallActivityAsync<T>(name, input, Retry);
}
