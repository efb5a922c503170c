using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Standalone mode's stand-in for the Cosmos DB change-feed trigger on the <c>inventory</c> container: follows the
/// ledger's change log (the embedded ledger's table, or the Cosmos DB ledger's change-log partition) from a checkpoint
/// (the lease), delivers each batch as Data.documents, and moves the checkpoint only after the invocation succeeded,
/// so a failed batch is delivered again.
/// </summary>
public sealed class InventoryChangeFeedPump(
    IInventoryLedger ledger,
    ICheckpointStore checkpoints,
    InventorySignals signals,
    FunctionInvoker invoker,
    OutputDispatcher outputs,
    IOptions<StandaloneOptions> options,
    TimeProvider time,
    ILogger<InventoryChangeFeedPump> logger) : IStandaloneTriggerPump
{
    public const string ContainerName = "inventory";
    private const int BatchSize = 1000;

    /// <summary>Delivered change-log entries are pruned once this old, leaving a margin for any other reader.</summary>
    public static readonly TimeSpan ChangeRetention = TimeSpan.FromHours(1);

    public bool CanPump(FunctionDefinition function) => function?.Trigger is ChangeFeedTrigger { ContainerName: ContainerName };

    public async Task RunAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var lease = $"changefeed:{function.Name}";
        var position = long.Parse(await checkpoints.GetAsync(lease, cancellationToken) ?? "0", NumberStyles.None, CultureInfo.InvariantCulture);
        var nextPrune = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var changes = await ledger.ReadChangesAsync(position, BatchSize, cancellationToken);
            if (changes.Count == 0)
            {
                await signals.WaitForLedgerChangeAsync(options.Value.IdlePollInterval, cancellationToken);
                continue;
            }

            var documents = JsonSerializer.SerializeToElement(changes.Select(c => new
            {
                id = $"{c.Sku}|{c.Location}",
                sku = c.Sku,
                location = c.Location,
                onHand = c.OnHand,
                allocated = c.Allocated,
                position = c.Position,
                at = c.At,
            }));
            var data = new Dictionary<string, JsonElement> { [function.Trigger.BindingName] = documents };
            var metadata = new Dictionary<string, JsonElement>
            {
                ["sys"] = JsonSerializer.SerializeToElement(new { MethodName = function.Name, UtcNow = DateTimeOffset.UtcNow, RandGuid = Guid.NewGuid() }),
            };
            var outcome = await invoker.InvokeAsync(function, data, metadata, cancellationToken);
            if (!outcome.Succeeded)
            {
                logger.LogWarning(outcome.Error, "{Function} failed on changes after {Position}; delivering them again in 1 s.", function.Name, position);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }

            await outputs.DispatchAsync(function, outcome.Context, outcome.Result!, cancellationToken);
            position = changes[^1].Position;
            await checkpoints.SetAsync(lease, position.ToString(CultureInfo.InvariantCulture), cancellationToken);
            if (time.GetUtcNow() >= nextPrune)
            {
                // The log only has to reach back to the lease; keep an hour anyway for anything else reading it.
                await ledger.PruneChangesAsync(position, time.GetUtcNow() - ChangeRetention, cancellationToken);
                nextPrune = time.GetUtcNow() + TimeSpan.FromMinutes(5);
            }
        }
    }
}
