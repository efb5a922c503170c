using DurableTask.Core;
using DurableTask.Core.History;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>What one orchestration episode hands the service to commit, with the checks made before writing it.</summary>
internal sealed record Episode(
    SqliteOrchestrationWorkItem WorkItem,
    OrchestrationRuntimeState RuntimeState,
    IList<TaskMessage> Outbound,
    IList<TaskMessage> ToOrchestrations,
    IList<TaskMessage> Timers,
    TaskMessage? ContinuedAsNew,
    OrchestrationState? State)
{
    /// <summary>The instance stays locked after the commit: its extended session goes on.</summary>
    public bool KeepsLock { get; init; }

    /// <summary>Describes the first payload over the limit (<paramref name="overLimit"/> gives its size or null), or null.</summary>
    public string? FindOversizedPayload(Func<string?, int?> overLimit)
    {
        var instanceId = WorkItem.InstanceId;
        IEnumerable<(string What, string? Payload)> payloads =
        [
            ("output", State?.Output),
            ("custom status", State?.Status),
            ("input", State?.Input),
            .. Outbound.Select(m => m.Event is TaskScheduledEvent scheduled ? ($"input of activity '{scheduled.Name}'", scheduled.Input) : ("activity", null)),
            .. ToOrchestrations.Select(Describe),
        ];
        foreach (var (what, payload) in payloads)
        {
            if (overLimit(payload) is { } bytes)
            {
                return $"The {what} of orchestration instance '{instanceId}' is {bytes} bytes, over the configured payload limit; the episode was not written.";
            }
        }

        return null;
    }

    private static (string What, string? Payload) Describe(TaskMessage message) => message.Event switch
    {
        ExecutionStartedEvent start => ($"input of sub-orchestration '{start.Name}' ({message.OrchestrationInstance.InstanceId})", start.Input),
        EventRaisedEvent raised => ($"event '{raised.Name}' sent to '{message.OrchestrationInstance.InstanceId}'", raised.Input),
        _ => ("message", null),
    };
}
