using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations.Health;

/// <summary>Reads an order that does not exist and a checkpoint: both stores answer, or the app cannot work.</summary>
internal sealed class StorageHealthCheck(IOrderStore orders, ICheckpointStore checkpoints, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ProbeTimeout);
        try
        {
            _ = await orders.GetAsync("health:probe", timeout.Token);
            _ = await checkpoints.GetAsync("health:probe", timeout.Token);
            return HealthCheckResult.Healthy("The order and checkpoint stores answer.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Storage did not answer within {options.Value.ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type and message name the store's failure; they carry no personal data.
            return HealthCheckResult.Unhealthy($"Storage is not reachable: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
