using DurableTask.Core;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>An orchestration work item plus what completing it needs: which messages it consumed and which history it read.</summary>
internal sealed class SqliteOrchestrationWorkItem : TaskOrchestrationWorkItem
{
    /// <summary>Row ids of the messages in <see cref="TaskOrchestrationWorkItem.NewMessages"/>, deleted when the episode commits.</summary>
    public required IReadOnlyList<long> MessageIds { get; set; }

    /// <summary>The execution whose history was loaded; a different one at completion means ContinueAsNew.</summary>
    public required string ExecutionId { get; set; }

    /// <summary>How many history events were loaded (the next one's sequence number).</summary>
    public required int HistoryCount { get; set; }

    /// <summary>
    /// Set once the lock is handed back (completed outside a session, session ended, or abandoned), so a later release
    /// does not touch a lock taken anew.
    /// </summary>
    public bool Settled { get; set; }
}
