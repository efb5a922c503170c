using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory;

/// <summary>
/// What the inventory HTTP functions do, independent of the host: record a movement (checked against the
/// configured locations) and describe a SKU per location and per channel.
/// </summary>
public sealed class InventoryService(IInventoryLedger ledger, IInventoryPublicationStore publications, InventoryOptions options)
{
    private readonly HashSet<string> _locations = new(options.Locations, StringComparer.Ordinal);

    /// <summary>Validates and records a movement. Errors come back as a list (HTTP 400); stock refusals as exceptions.</summary>
    /// <exception cref="InsufficientStockException">Mapped to 409 by the function.</exception>
    /// <exception cref="MovementConflictException">Mapped to 409 by the function.</exception>
    /// <exception cref="ReservationMismatchException">Mapped to 409 by the function.</exception>
    public async Task<MovementResult> RecordMovementAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movement);
        var errors = StockMovementValidator.Validate(movement, _locations);
        if (errors.Count > 0)
        {
            return new MovementResult(null, errors);
        }

        var outcome = await ledger.RecordMovementAsync(movement, cancellationToken);
        return new MovementResult(outcome, []);
    }

    /// <summary>Every SKU's available-to-sell for <paramref name="channel"/>, in SKU order, a page of balances at a time.</summary>
    public async IAsyncEnumerable<AvailableToSell> AvailableToSellAsync(string channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!options.Channels.TryGetValue(channel, out var channelOptions))
        {
            throw new InvalidOperationException($"Inventory:Channels has no '{channel}' channel.");
        }

        string? after = null;
        while (true)
        {
            var skus = await ledger.ListSkusAsync(after, 500, cancellationToken);
            if (skus.Count == 0)
            {
                yield break;
            }

            var balances = await ledger.GetBalancesAsync(skus, cancellationToken);
            foreach (var sku in skus)
            {
                yield return AvailableToSellCalculator.Compute(channel, sku, channelOptions, balances);
            }

            after = skus[^1];
        }
    }

    public async Task<SkuInventoryView> DescribeAsync(string sku, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sku);
        var balances = await ledger.GetBalancesAsync([sku], cancellationToken);
        var channels = new List<ChannelInventoryView>();
        foreach (var (channel, channelOptions) in options.Channels.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var ats = AvailableToSellCalculator.Compute(channel, sku, channelOptions, balances);
            var state = (await publications.GetStatesAsync(channel, [sku], cancellationToken)).GetValueOrDefault(sku);
            channels.Add(new ChannelInventoryView(
                channel,
                channelOptions.Enabled,
                ats.Quantity,
                ats.Explanation,
                ats,
                state?.PublishedQuantity,
                state?.PublishedAt,
                state?.Pending is { } pending
                    ? new PendingPushView(pending.Quantity, pending.DueAt, pending.Attempts, pending.Parked, pending.LastError)
                    : null));
        }

        return new SkuInventoryView(
            sku,
            balances.OrderBy(b => b.Location, StringComparer.Ordinal).Select(b => new LocationInventoryView(b.Location, b.OnHand, b.Allocated, b.Available)).ToList(),
            channels);
    }
}

public sealed record MovementResult(MovementOutcome? Outcome, IReadOnlyList<string> Errors);

public sealed record SkuInventoryView(string Sku, IReadOnlyList<LocationInventoryView> Locations, IReadOnlyList<ChannelInventoryView> Channels);

public sealed record LocationInventoryView(string Location, int OnHand, int Allocated, int Available);

/// <summary>Per channel: what it should show now (with how that was computed), what it was last told, and what is on its way.</summary>
public sealed record ChannelInventoryView(
    string Channel,
    bool Enabled,
    int AvailableToSell,
    string Computation,
    AvailableToSell Details,
    int? PublishedQuantity,
    DateTimeOffset? PublishedAt,
    PendingPushView? Pending);

public sealed record PendingPushView(int Quantity, DateTimeOffset DueAt, int Attempts, bool Parked, string? LastError);
