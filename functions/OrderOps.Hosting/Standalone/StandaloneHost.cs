using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Starts a pump for every non-HTTP function in the registry once the app is serving. Pumps (and the storage they
/// open) are created only then, so start-up does not wait for background work; a trigger without a pump still stops
/// the app at once.
/// </summary>
public sealed class StandaloneHost(
    FunctionRegistry registry,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<StandaloneOptions> options,
    ILogger<StandaloneHost> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunPumps)
        {
            logger.LogWarning("Pumps are paused (OrderOps:Standalone:RunPumps=false): work is accepted and queued but not processed.");
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

        var plan = Plan(registry, services.GetServices<IStandaloneTriggerPump>().ToList());
        await Task.WhenAll(plan.Select(p => RunGuardedAsync(p.Function, p.Pump, stoppingToken)));
    }

    private static List<(FunctionDefinition Function, IStandaloneTriggerPump Pump)> Plan(FunctionRegistry registry, List<IStandaloneTriggerPump> pumps)
    {
        var plan = new List<(FunctionDefinition Function, IStandaloneTriggerPump Pump)>();
        foreach (var function in registry.Functions.Where(f => f.Trigger is not HttpTrigger))
        {
            var pump = pumps.FirstOrDefault(p => p.CanPump(function))
                ?? throw new InvalidOperationException($"No standalone pump can run function '{function.Name}' ({function.Trigger.GetType().Name}).");
            plan.Add((function, pump));
        }

        return plan;
    }

    private async Task RunGuardedAsync(FunctionDefinition function, IStandaloneTriggerPump pump, CancellationToken stoppingToken)
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
                // A pump must outlive any one failure; restart it after a pause instead of taking the host down.
                logger.LogError(ex, "The pump of {Function} failed; restarting it in 5 s.", function.Name);
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
}
