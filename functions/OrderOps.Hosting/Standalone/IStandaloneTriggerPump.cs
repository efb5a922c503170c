using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Drives one kind of trigger in standalone mode, where no Functions host exists: a pump turns timers, queue
/// messages or inbox files into invocations. One pump per trigger kind.
/// </summary>
public interface IStandaloneTriggerPump
{
    TriggerKind Kind { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(FunctionDescriptor function, CancellationToken cancellationToken);
}
