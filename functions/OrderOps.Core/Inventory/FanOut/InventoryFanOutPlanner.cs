using System.Globalization;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// Turns ledger changes into pending pushes: reads the change log after the checkpoint, recomputes
/// available-to-sell per channel for the SKUs that changed, and schedules only values that differ from what the
/// channel was told (or is about to be told). The checkpoint moves only after the pushes are durably scheduled,
/// so a crash replays changes (harmless: scheduling is an upsert) and never loses one. Each round says which channels
/// it scheduled pushes for, and when the earliest is due, so the caller can signal their accounts' orchestrations.
/// </summary>
public sealed class InventoryFanOutPlanner(
    IInventoryLedger ledger,
    IInventoryPublicationStore publications,
    ICheckpointStore checkpoints,
    InventoryOptions options,
    TimeProvider time,
    ILogger<InventoryFanOutPlanner> logger) : IDisposable
{
    /// <summary>
    /// Planning rounds run one at a time: the change-feed function and the reconcile timer share this planner, and
    /// a round that read balances earlier must never write its (older) values after a round that read later ones.
    /// </summary>
    private readonly SemaphoreSlim _oneRoundAtATime = new(1, 1);

    public void Dispose() => _oneRoundAtATime.Dispose();

    /// <summary>Plans one batch of the change log; <see cref="FanOutPlan.Consumed"/> is 0 when caught up.</summary>
    public async Task<FanOutPlan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var position = await ReadCheckpointAsync(cancellationToken);
        var changes = await ledger.ReadChangesAsync(position, options.FanOut.BatchSize, cancellationToken);
        if (changes.Count == 0)
        {
            return FanOutPlan.Nothing;
        }

        var changedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            changedAt[change.Sku] = change.At;
        }

        var plan = await PlanAsync(changedAt, cancellationToken);
        await checkpoints.SetAsync(options.FanOut.CheckpointName, changes[^1].Position.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return plan with { Consumed = changes.Count };
    }

    /// <summary>
    /// Plans the given SKUs (an <c>inventory-changes</c> message's, where the queue is the checkpoint).
    /// </summary>
    public Task<FanOutPlan> PlanSkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
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

    private async Task<FanOutPlan> PlanAsync(IReadOnlyDictionary<string, DateTimeOffset> changedAt, CancellationToken cancellationToken)
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

    private async Task<FanOutPlan> PlanRoundAsync(IReadOnlyDictionary<string, DateTimeOffset> changedAt, CancellationToken cancellationToken)
    {
        var skus = changedAt.Keys.ToList();
        var balances = (await ledger.GetBalancesAsync(skus, cancellationToken)).ToLookup(b => b.Sku, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var window = options.FanOut.CoalesceWindow;
        var scheduled = new List<ScheduledPush>();
        var dueByChannel = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var (channel, channelOptions) in options.Channels)
        {
            if (!channelOptions.Enabled)
            {
                continue;
            }

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
                dueByChannel[channel] = dueByChannel.TryGetValue(channel, out var earliest) && earliest < due ? earliest : due;
            }
        }

        if (scheduled.Count == 0)
        {
            return FanOutPlan.Nothing with { Consumed = skus.Count };
        }

        await publications.ScheduleAsync(scheduled, cancellationToken);
        logger.LogDebug("Scheduled {Count} inventory pushes for {Skus} changed SKUs", scheduled.Count, skus.Count);
        return new FanOutPlan(skus.Count, scheduled.Count, dueByChannel);
    }

    private async Task<long> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var value = await checkpoints.GetAsync(options.FanOut.CheckpointName, cancellationToken);
        return value is null ? 0 : long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}

/// <summary>What a planning round did: entries (or SKUs) consumed, pushes scheduled, and per channel the earliest due time.</summary>
public sealed record FanOutPlan(int Consumed, int Scheduled, IReadOnlyDictionary<string, DateTimeOffset> DueByChannel)
{
    public static FanOutPlan Nothing { get; } = new(0, 0, new Dictionary<string, DateTimeOffset>());
}
