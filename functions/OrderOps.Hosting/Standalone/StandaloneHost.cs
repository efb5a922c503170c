using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Starts a pump for every timer, queue and blob function once the app is serving (the durable runtime runs
/// orchestrators and activities; see <see cref="Durable.FunctionTasks"/>). Pumps (and the storage they open) start only
/// then, so start-up does not wait for background work. A pump that fails is restarted after a pause: one failure
/// never stops a trigger for good.
/// </summary>
public sealed partial class StandaloneHost(
    StandaloneFunctions functions,
    IEnumerable<IStandaloneTriggerPump> pumps,
    IHostApplicationLifetime lifetime,
    IOptions<StandaloneOptions> options,
    ILogger<StandaloneHost> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunPumps)
        {
            LogPaused();
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var byKind = pumps.ToDictionary(p => p.Kind);
        await Task.WhenAll(functions.All
            .Where(f => f.Kind is not (TriggerKind.Http or TriggerKind.Orchestration or TriggerKind.Activity))
            .Select(f => RunGuardedAsync(f, byKind[f.Kind], stoppingToken)));
    }

    private async Task RunGuardedAsync(FunctionDescriptor function, IStandaloneTriggerPump pump, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pump.RunAsync(function, stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPumpFailed(ex, function.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pumps are paused (OrderOps:Standalone:RunPumps=false): work is accepted and queued but not processed.")]
    private partial void LogPaused();

    [LoggerMessage(Level = LogLevel.Error, Message = "The pump of {Function} failed; restarting it in 5 s.")]
    private partial void LogPumpFailed(Exception exception, string function);
}
