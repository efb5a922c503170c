namespace OrderOps.Hosting.Discovery;

/// <summary>The triggers standalone mode can drive; every other trigger is refused at start.</summary>
public enum TriggerKind
{
    Http,
    Timer,
    Queue,
    Blob,
}
