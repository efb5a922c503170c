namespace OrderOps.Hosting.Discovery;

/// <summary>The triggers standalone mode can drive; every other trigger is refused at start.</summary>
public enum TriggerKind
{
    Http,
    Timer,
    Queue,
    Blob,

    /// <summary>A Durable orchestrator: run by the embedded durable runtime, not by a pump.</summary>
    Orchestration,

    /// <summary>A Durable activity: run by the embedded durable runtime, not by a pump.</summary>
    Activity,
}
