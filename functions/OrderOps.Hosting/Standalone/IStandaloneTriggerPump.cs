using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Drives one kind of trigger in standalone mode, where no Functions host exists: a pump turns timers, queue
/// messages, change-log entries or inbox files into invocations. Register one per trigger type.
/// </summary>
public interface IStandaloneTriggerPump
{
    bool CanPump(FunctionDefinition function);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(FunctionDefinition function, CancellationToken cancellationToken);
}
