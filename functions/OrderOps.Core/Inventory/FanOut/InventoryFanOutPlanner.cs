using System.Globalization;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// Turns ledger changes into pending pushes: reads the change log after the checkpoint, recomputes
/// available-to-sell per channel for the SKUs that changed, and schedules only values that differ from what the
/// channel was told (or is about to be told). The checkpoint moves only after the pushes are durably scheduled,
/// so a crash replays changes (harmless: scheduling is an upsert) and never loses one.
/// </summary>
public sealed class InventoryFanOutPlanner(
    IInventoryLedger ledger,
    IInventoryPublicationStore publications,
    ICheckpointStore checkpoints,
    InventoryOptions options,
    InventorySignals signals,
    TimeProvider time,
    ILogger<InventoryFanOutPlanner> logger) : IDisposable
{
    /// <summary>
    /// Planning rounds run one at a time: the change-feed function and the reconcile timer share this planner, and
    /// a round that read balances earlier must never write its (older) values after a round that read later ones.
    /// </summary>
    private readonly SemaphoreSlim _oneRoundAtATime = new(1, 1);

    public void Dispose() => _oneRoundAtATime.Dispose();

    /// <summary>Plans one batch of the change log; returns how many entries it consumed (0 when caught up).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var position = await ReadCheckpointAsync(cancellationToken);
        var changes = await ledger.ReadChangesAsync(position, options.FanOut.BatchSize, cancellationToken);
        if (changes.Count == 0)
        {
            return 0;
        }

        var changedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            changedAt[change.Sku] = change.At;
        }

        await PlanAsync(changedAt, cancellationToken);
        await checkpoints.SetAsync(options.FanOut.CheckpointName, changes[^1].Position.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return changes.Count;
    }

    /// <summary>
    /// Plans the given SKUs (a change-feed trigger's batch, where the host keeps the checkpoint). Returns how many
    /// pushes it scheduled.
    /// </summary>
    public Task<int> PlanSkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var now = time.GetUtcNow();
        return PlanAsync(skus.Distinct(StringComparer.Ordinal).ToDictionary(s => s, _ => now, StringComparer.Ordinal), cancellationToken);
    }

    /// <summary>
    /// Recomputes every SKU the ledger knows and schedules whatever differs from what was published: the
    /// safety net that makes channels converge even if a change was somehow never planned.
    /// </summary>
    public async Task<int> ReconcileAllAsync(CancellationToken cancellationToken)
    {
        string? after = null;
        var count = 0;
        while (true)
        {
            var skus = await ledger.ListSkusAsync(after, options.FanOut.BatchSize, cancellationToken);
            if (skus.Count == 0)
            {
                return count;
            }

            var now = time.GetUtcNow();
            await PlanAsync(skus.ToDictionary(s => s, _ => now, StringComparer.Ordinal), cancellationToken);
            count += skus.Count;
            after = skus[^1];
        }
    }

    private async Task<int> PlanAsync(IReadOnlyDictionary<string, DateTimeOffset> changedAt, CancellationToken cancellationToken)
    {
        await _oneRoundAtATime.WaitAsync(cancellationToken);
        try
        {
            return await PlanRoundAsync(changedAt, cancellationToken);
        }
        finally
        {
            _oneRoundAtATime.Release();
        }
    }

    private async Task<int> PlanRoundAsync(IReadOnlyDictionary<string, DateTimeOffset> changedAt, CancellationToken cancellationToken)
    {
        var skus = changedAt.Keys.ToList();
        var balances = (await ledger.GetBalancesAsync(skus, cancellationToken)).ToLookup(b => b.Sku, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var window = options.FanOut.CoalesceWindow;
        var scheduled = new List<ScheduledPush>();
        var channelsTouched = new List<string>();
        foreach (var (channel, channelOptions) in options.Channels)
        {
            if (!channelOptions.Enabled)
            {
                continue;
            }

            var before = scheduled.Count;
            var states = await publications.GetStatesAsync(channel, skus, cancellationToken);
            foreach (var sku in skus)
            {
                var ats = AvailableToSellCalculator.Compute(channel, sku, channelOptions, balances[sku]);
                var state = states.GetValueOrDefault(sku);
                var promised = state?.Pending?.Quantity ?? state?.PublishedQuantity;
                if (promised == ats.Quantity)
                {
                    continue;
                }

                // Leading edge goes out at once; within a window of the last attempt it waits for the window's end,
                // by which time the row carries the latest value of the whole burst.
                var due = state?.LastAttemptAt is { } last && last + window > now ? last + window : now;
                scheduled.Add(new ScheduledPush(channel, sku, ats.Quantity, due, changedAt[sku]));
            }

            if (scheduled.Count > before)
            {
                channelsTouched.Add(channel);
            }
        }

        if (scheduled.Count == 0)
        {
            return 0;
        }

        await publications.ScheduleAsync(scheduled, cancellationToken);
        foreach (var channel in channelsTouched)
        {
            signals.PushesScheduled(channel);
        }

        logger.LogDebug("Scheduled {Count} inventory pushes for {Skus} changed SKUs", scheduled.Count, skus.Count);
        return scheduled.Count;
    }

    private async Task<long> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var value = await checkpoints.GetAsync(options.FanOut.CheckpointName, cancellationToken);
        return value is null ? 0 : long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
