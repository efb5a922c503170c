using System.Diagnostics;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using DurableTask.Core.Tracing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Dtfx = DurableTask.Core;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace OrderOps.Durable;

/// <summary>
/// <see cref="DurableTaskClient"/> straight over a DurableTask.Core <see cref="IOrchestrationServiceClient"/> (plus its
/// query and purge interfaces), so the app's functions use the same client API in standalone mode as under the
/// Functions host. Hand-written because Microsoft.DurableTask.Client.OrchestrationServiceClientShim, the library's own
/// version of this, is not served here; this one follows it and adds what the app needs: an unknown orchestrator
/// name or a running namesake is refused at once, with the instance id in the error.
/// </summary>
/// <remarks>
/// Why not the gRPC sidecar (TaskHubGrpcServer + the standard gRPC client and worker, also proven here): it is a
/// preview test-host package, serves one worker connection, never renews work-item locks and makes shutdown wait
/// 30 s on the worker's stream. TaskHubWorker + shims in-process has none of that and no loopback hop.
/// <para>
/// Tracing: a new instance carries the caller's W3C context (<see cref="ExecutionStartedEvent.ParentTraceContext"/>),
/// as DurableTask.Core's TaskHubClient and durabletask-dotnet's gRPC client do, so DurableTask.Core (ActivitySource
/// <c>DurableTask.Core</c>) traces the orchestration and its activities in the caller's trace. A raised event keeps
/// the instance's trace: the orchestration goes on under the context it started with.
/// </para>
/// </remarks>
public sealed class OrchestrationServiceDurableTaskClient : DurableTaskClient
{
    private static readonly Dtfx.OrchestrationStatus[] RunningStatuses =
        [Dtfx.OrchestrationStatus.Pending, Dtfx.OrchestrationStatus.Running, Dtfx.OrchestrationStatus.Suspended];

    private static readonly TimeSpan StartPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly IOrchestrationServiceClient _client;
    private readonly Func<string, bool> _isOrchestrator;
    private readonly DataConverter _converter;

    /// <param name="isOrchestrator">Whether an orchestrator of that name is registered; others are refused when scheduled.</param>
    public OrchestrationServiceDurableTaskClient(IOrchestrationServiceClient client, Func<string, bool> isOrchestrator, DataConverter? converter = null)
        : base("OrderOps")
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _isOrchestrator = isOrchestrator ?? throw new ArgumentNullException(nameof(isOrchestrator));
        _converter = converter ?? Microsoft.DurableTask.Converters.JsonDataConverter.Default;
    }

    /// <summary>
    /// Starts an instance. Throws <see cref="Dtfx.Exceptions.OrchestrationAlreadyExistsException"/> when one with the
    /// id is pending, running or suspended (a finished one's id is reused), and <see cref="ArgumentException"/> for an
    /// orchestrator name that is not registered.
    /// </summary>
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        if (!_isOrchestrator(orchestratorName.Name))
        {
            throw new ArgumentException($"Cannot start orchestration instance '{instanceId}': no orchestrator named '{orchestratorName.Name}' is registered.", nameof(orchestratorName));
        }

        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var message = new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, _converter.Serialize(input))
            {
                Name = orchestratorName.Name,
                Version = options?.Version?.ToString() ?? string.Empty,
                OrchestrationInstance = instance,
                ScheduledStartTime = options?.StartAt?.UtcDateTime,
                Tags = options?.Tags?.ToDictionary(tag => tag.Key, tag => tag.Value) ?? [],

                // DurableTask.Core's dispatchers start the orchestration's span under this context and its activities'
                // spans under the orchestration's, across ContinueAsNew: the caller's trace goes on through the whole
                // instance (what TaskHubClient and the gRPC client do; see the type's remarks).
                ParentTraceContext = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } parent } current
                    ? new DistributedTraceContext(parent, current.TraceStateString)
                    : null,
            },
        };
        await _client.CreateTaskOrchestrationAsync(message, RunningStatuses);
        return instanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, _converter.Serialize(eventPayload)) { Name = eventName }, cancellation);
    }

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return _client.ForceTerminateTaskOrchestrationAsync(instanceId, _converter.Serialize(options?.Output));
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var states = await _client.GetOrchestrationStateAsync(instanceId, allExecutions: false);

        // DurableTask.AzureStorage answers a missing instance with a list holding one null.
        return states?.FirstOrDefault(state => state is not null) is { } state ? ToMetadata(state, getInputsAndOutputs) : null;
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(Microsoft.DurableTask.Client.OrchestrationQuery? filter = null)
    {
        var queries = _client as IOrchestrationServiceQueryClient
            ?? throw new NotSupportedException($"{_client.GetType().Name} cannot list instances.");
        return Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new Dtfx.Query.OrchestrationQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(ToCore).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                PageSize = pageSize ?? filter?.PageSize ?? Microsoft.DurableTask.Client.OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await queries.GetOrchestrationWithQueryAsync(query, cancellation);
            return new Page<OrchestrationMetadata>(
                [.. result.OrchestrationState.Select(state => ToMetadata(state, query.FetchInputsAndOutputs))], result.ContinuationToken);
        });
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"Orchestration instance '{instanceId}' does not exist.");
            if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return metadata;
            }

            await Task.Delay(StartPollInterval, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        // An instance that does not exist would be waited for until cancelled.
        _ = await GetInstancesAsync(instanceId, getInputsAndOutputs: false, cancellation)
            ?? throw new InvalidOperationException($"Orchestration instance '{instanceId}' does not exist.");
        var state = await _client.WaitForOrchestrationAsync(instanceId, executionId: null, TimeSpan.MaxValue, cancellation)
            ?? throw new InvalidOperationException($"Orchestration instance '{instanceId}' does not exist.");
        return ToMetadata(state, getInputsAndOutputs);
    }

    /// <summary>Deletes a finished instance; a running one is refused with its status.</summary>
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs: false, cancellation);
        if (metadata is null)
        {
            return new PurgeResult(0);
        }

        if (!metadata.IsCompleted)
        {
            throw new InvalidOperationException($"Orchestration instance '{instanceId}' is {metadata.RuntimeStatus}; only finished instances can be purged.");
        }

        return new PurgeResult((await PurgeClient.PurgeInstanceStateAsync(instanceId)).DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();
        var coreFilter = new PurgeInstanceFilter((filter.CreatedFrom ?? DateTimeOffset.UnixEpoch).UtcDateTime, filter.CreatedTo?.UtcDateTime, filter.Statuses?.Select(ToCore));
        return new PurgeResult((await PurgeClient.PurgeInstanceStateAsync(coreFilter)).DeletedInstanceCount);
    }

    public override ValueTask DisposeAsync() => default;

    private IOrchestrationServicePurgeClient PurgeClient => _client as IOrchestrationServicePurgeClient
        ?? throw new NotSupportedException($"{_client.GetType().Name} cannot purge instances.");

    private Task SendAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return _client.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = historyEvent,
        });
    }

    private OrchestrationMetadata ToMetadata(OrchestrationState state, bool getInputsAndOutputs) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = getInputsAndOutputs ? _converter : null,
            RuntimeStatus = FromCore(state.OrchestrationStatus),
            CreatedAt = state.CreatedTime,
            LastUpdatedAt = state.LastUpdatedTime,
            SerializedInput = state.Input,
            SerializedOutput = state.Output,
            SerializedCustomStatus = state.Status,
            FailureDetails = ToFailureDetails(state.FailureDetails) ?? FailureFromOutput(state),
        };

    /// <summary>
    /// DurableTask.AzureStorage keeps no FailureDetails on the instance, only the failed execution's output; that
    /// output is the failure's details (JSON) when the worker propagates failure details, as this runtime's does.
    /// </summary>
    private static TaskFailureDetails? FailureFromOutput(OrchestrationState state)
    {
        if (state.OrchestrationStatus != Dtfx.OrchestrationStatus.Failed || string.IsNullOrEmpty(state.Output))
        {
            return null;
        }

        try
        {
            if (Newtonsoft.Json.JsonConvert.DeserializeObject<FailureDetails>(state.Output) is { ErrorType: not null } details)
            {
                return ToFailureDetails(details);
            }
        }
        catch (Newtonsoft.Json.JsonException)
        {
            // Not JSON: the output is the message itself.
        }

        return new TaskFailureDetails("OrchestrationFailed", state.Output, null, null, null);
    }

    private static TaskFailureDetails? ToFailureDetails(FailureDetails? details) =>
        details is null ? null : new TaskFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace, ToFailureDetails(details.InnerFailure), details.Properties);

#pragma warning disable CS0618 // Canceled is obsolete in both enums but still has to map.
    private static OrchestrationRuntimeStatus FromCore(Dtfx.OrchestrationStatus status) => status switch
    {
        Dtfx.OrchestrationStatus.Running => OrchestrationRuntimeStatus.Running,
        Dtfx.OrchestrationStatus.Completed => OrchestrationRuntimeStatus.Completed,
        Dtfx.OrchestrationStatus.ContinuedAsNew => OrchestrationRuntimeStatus.ContinuedAsNew,
        Dtfx.OrchestrationStatus.Failed => OrchestrationRuntimeStatus.Failed,
        Dtfx.OrchestrationStatus.Canceled => OrchestrationRuntimeStatus.Canceled,
        Dtfx.OrchestrationStatus.Terminated => OrchestrationRuntimeStatus.Terminated,
        Dtfx.OrchestrationStatus.Pending => OrchestrationRuntimeStatus.Pending,
        Dtfx.OrchestrationStatus.Suspended => OrchestrationRuntimeStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown orchestration status."),
    };

    private static Dtfx.OrchestrationStatus ToCore(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Running => Dtfx.OrchestrationStatus.Running,
        OrchestrationRuntimeStatus.Completed => Dtfx.OrchestrationStatus.Completed,
        OrchestrationRuntimeStatus.ContinuedAsNew => Dtfx.OrchestrationStatus.ContinuedAsNew,
        OrchestrationRuntimeStatus.Failed => Dtfx.OrchestrationStatus.Failed,
        OrchestrationRuntimeStatus.Canceled => Dtfx.OrchestrationStatus.Canceled,
        OrchestrationRuntimeStatus.Terminated => Dtfx.OrchestrationStatus.Terminated,
        OrchestrationRuntimeStatus.Pending => Dtfx.OrchestrationStatus.Pending,
        OrchestrationRuntimeStatus.Suspended => Dtfx.OrchestrationStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown orchestration status."),
    };
#pragma warning restore CS0618
}
