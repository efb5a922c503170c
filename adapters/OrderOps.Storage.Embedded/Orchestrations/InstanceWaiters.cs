using System.Collections.Concurrent;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// Lets <c>WaitForOrchestrationAsync</c> in this process wake when the instance finishes (or is started again),
/// instead of polling the file. Waiters re-read the instance after every wake-up and still poll, so a change made by another
/// process is seen within the poll interval.
/// </summary>
internal sealed class InstanceWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changes = new(StringComparer.Ordinal);

    /// <summary>A task that completes when the instance next finishes or restarts.</summary>
    public Task NextChange(string instanceId) =>
        _changes.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Changed(string instanceId)
    {
        if (_changes.TryRemove(instanceId, out var change))
        {
            change.TrySetResult();
        }
    }
}
