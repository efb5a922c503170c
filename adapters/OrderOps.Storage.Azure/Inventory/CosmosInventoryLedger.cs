using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// The stock ledger on Cosmos DB, without transactional batch, cross-partition queries or change feed (none of which
/// cosmosdb-server, the emulator the tests run on, offers). Two containers:
/// <list type="bullet">
/// <item><c>inventory</c> (partition <c>/sku</c>): per SKU one <see cref="StockDocument"/> plus its movement documents.
/// Only documents of real SKUs live here, so the Cosmos DB trigger on this container hands the fan-out real SKUs.</item>
/// <item><c>inventory-meta</c> (partition <c>/pk</c>): per order one <see cref="OrderDocument"/> (<c>order|{id}</c>),
/// movement-id claims (<c>movement|{id}</c>), the SKU index (<c>skus</c>) and the change log (<c>changes</c>).</item>
/// </list>
/// <para><b>One SKU: the SKU document's If-Match replace is the commit.</b> Balances per location, the movements that
/// produced them and the change-log entries of those balances are in the one document, so they change together or not
/// at. Every rule (available ≥ 0 for allocations and transfers out, on hand and allocated ≥ 0) is checked against the
/// document as read and holds because the replace succeeds only if nobody wrote in between; a loser re-reads and
/// re-checks. That makes over-allocation impossible across any number of instances. <see cref="StockWriter"/> groups
/// this instance's operations on one SKU into one read-check-replace. Movements stay in the document's outbox until
/// enough gather, then are copied into their own documents (deterministic ids, upserted before the outbox forgets
/// them), which keeps the document small; idempotency by movement id checks both, and a claim document per movement id
/// catches an id reused for another SKU (<see cref="MovementClaims"/>).</para>
/// <para><b>Several SKUs: an intent on the order document, steps on the SKU documents.</b> An operation on an order
/// (reserve, release, ship, move, an order's allocation/release/shipment movement) first writes an intent into the order
/// document with If-Match — which also makes operations on one order run one at a time — then applies one step per SKU
/// (a SKU-document commit as above that applies the deltas and remembers them, keyed by order and intent number), then
/// commits the order document (new lines, status, operation id; intent cleared; If-Match), then confirms the steps
/// (their movements join the outbox). A reservation that meets a SKU without the stock undoes its applied steps exactly
/// (deltas reversed, movements dropped: no trace, like a rolled-back transaction), re-plans against fresh balances up to
/// <see cref="CosmosInventoryLedgerOptions.MaxPlanRounds"/> times, and otherwise reports Insufficient holding nothing.
/// A one-SKU order is planned inside its SKU's commit, exactly as the embedded ledger plans under its write lock.</para>
/// <para><b>Transient effects.</b> While an intent is in flight its steps' units count as allocated, so a concurrent
/// reservation of another order may be refused for stock that the first one then gives back (a transient false
/// Insufficient; retrying succeeds). <see cref="GetReservationAsync"/> shows an order's last committed state.</para>
/// <para><b>Crashes.</b> An intent whose owner died stays in the order document. Once it is older than the lease plus
/// the allowed clock skew, the next call for that order takes it over (If-Match) and finishes or undoes it: a release
/// is always finished (undoing it could over-allocate units given to others since); any other intent is finished when
/// all its steps were applied and undone otherwise (undoing holds and shipments only ever adds availability). Steps a
/// crash left unconfirmed are resolved by <see cref="RepairAsync"/>, which writes to the SKU trigger in the background.
/// A stalled owner cannot interfere after a take-over: it checks its own lease (monotonic clock) after reading a SKU
/// document and before each step, and the recoverer rewrites every SKU document of the intent (a fence), so any step
/// based on an earlier read fails its If-Match; the owner's final commit fails its If-Match too.</para>
/// <para><b>Change log.</b> <c>ReadChangesAsync</c> reads <see cref="InventoryChangeLog"/>: entries are committed in the
/// SKU document with the balances (crash-safe) and appended to the log right after, before the operation returns.
/// If an instance dies in between, another adopts the entries after <see cref="CosmosInventoryLedgerOptions.ChangeLogGrace"/>
/// when it next writes that SKU, so after a crash an entry can arrive late or twice (the fan-out recomputes a SKU,
/// which is harmless). The app runs with the log off in both hosting modes (the fan-out is woken by the
/// inventory-changes queue, below); the log serves the in-process fan-out engine the inventory tests and benchmark drive.</para>
/// <para><b>Announcing changes.</b> Every commit that changes balances sends one <see cref="InventoryChangedMessage"/>
/// naming its SKUs to <see cref="QueueNames.InventoryChanges"/> (when a queue is given), which wakes the fan-out. Cosmos DB
/// cannot write to a queue in its transaction, so the message follows the commit, with a crash window between them:
/// <list type="bullet">
/// <item>an order operation announces while it still holds its intent, after every step is applied and before the order
/// document commits. A crash before the send leaves the intent open; whoever recovers it (the order's next call, or
/// <see cref="RepairAsync"/> when the SKU is next written) finishes or undoes it and announces then. A crash after the
/// send and before the commit announces twice, which is harmless;</item>
/// <item>a one-SKU movement announces right after its SKU document commits: a crash in between loses the wake-up;</item>
/// <item>a send that fails (queue unreachable) is logged and not retried, so the operation still succeeds.</item>
/// </list>
/// Wake-ups lost in those last two windows are closed by the ReconcileInventory timer, which recomputes every SKU.</para>
/// <para><b>Listing without cross-partition queries.</b> <see cref="ListSkusAsync"/> reads <see cref="SkuIndex"/>;
/// balances are point reads; movements are one single-partition query plus the SKU document.</para>
/// </summary>
public sealed partial class CosmosInventoryLedger : IInventoryLedger
{
    private const int MaxParallelReads = 16;
    private readonly CosmosDocuments _stock;
    private readonly CosmosDocuments _meta;
    private readonly TimeProvider _time;
    private readonly CosmosInventoryLedgerOptions _options;
    private readonly IMessageQueue? _changes;
    private readonly ILogger _logger;
    private readonly SkuIndex _index;
    private readonly InventoryChangeLog? _changeLog;
    private readonly MovementClaims _claims;
    private readonly StockWriterServices _writerServices;
    private readonly ConcurrentDictionary<string, StockWriter> _writers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _repairing = new(StringComparer.Ordinal);

    public CosmosInventoryLedger(
        Container stock,
        Container meta,
        TimeProvider time,
        CosmosInventoryLedgerOptions options,
        bool emulator,
        InventorySignals? signals = null,
        ILogger<CosmosInventoryLedger>? logger = null,
        IMessageQueue? changes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _stock = new CosmosDocuments(stock, emulator);
        _meta = new CosmosDocuments(meta, emulator);
        _time = time;
        _options = options;
        _changes = changes;
        _logger = logger ?? NullLogger<CosmosInventoryLedger>.Instance;
        _index = new SkuIndex(_meta);
        _changeLog = options.ChangeLog ? new InventoryChangeLog(_meta) : null;
        _claims = new MovementClaims(_meta);
        _writerServices = new StockWriterServices(
            _stock, _index, _changeLog, options, time, () => signals?.LedgerChanged(), OnStaleSteps, _logger);
    }

    /// <summary>How this instance is tuned (e.g. whether it keeps the change log).</summary>
    public CosmosInventoryLedgerOptions Options => _options;

    public async Task<MovementOutcome> RecordMovementAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movement);
        var errors = StockMovementValidator.Validate(movement);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(movement));
        }

        var claimed = await _claims.ClaimAsync(movement, cancellationToken);
        try
        {
            if (movement.Type is MovementType.Allocation or MovementType.Release or MovementType.Shipment)
            {
                return await RecordOrderMovementAsync(movement, cancellationToken);
            }

            var outcome = await Writer(movement.Sku).RunAsync(new RecordStockMovement(movement));
            if (outcome == MovementOutcome.Recorded)
            {
                // The SKU document's replace was the commit; a crash before this line loses only the wake-up.
                await AnnounceAsync([movement.Sku]);
            }

            return outcome;
        }
        catch (Exception exception) when (claimed && exception is InsufficientStockException or ReservationMismatchException)
        {
            // Refused, so nothing was recorded under the id: the caller may use it again, as with the embedded ledger.
            await _claims.ReleaseAsync(movement, cancellationToken);
            throw;
        }
    }

    public async Task<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(request));
        }

        var skus = request.Totals().Select(t => t.Sku).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadOrderAsync(request.OrderId, cancellationToken);
            if (current?.Document is { Status: not null } reserved)
            {
                return AsItStands(reserved);
            }

            if (current?.Document.Intent is not null)
            {
                await SettleAsync(current.Value, attempt, cancellationToken);
                continue;
            }

            var plan = AllocationPlanner.PlanFor(request, Available(await ReadStocksAsync(skus, cancellationToken)));
            if (!plan.IsComplete)
            {
                // Linearised at the snapshot: the order, read again after it, had no reservation then either.
                var again = await ReadOrderAsync(request.OrderId, cancellationToken);
                if (again?.Document is { Status: not null } meanwhile)
                {
                    return AsItStands(meanwhile);
                }

                if (again?.Document.Intent is null)
                {
                    return Insufficient(request.OrderId, plan.Shortages);
                }

                continue;
            }

            var intent = await BeginAsync(current, request.OrderId, IntentKind.Reserve, skus, null, ReservationStatus.Reserved, cancellationToken);
            if (intent is not null)
            {
                return await ReserveUnderIntentAsync(intent, request, skus, plan, cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<LocationAllocation>> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadOrderAsync(orderId, cancellationToken);
            if (current?.Document.Intent is not null)
            {
                await SettleAsync(current.Value, attempt, cancellationToken);
                continue;
            }

            if (current?.Document is not { Status: not null } order)
            {
                // Never reserved: remembered as released all the same, so a reservation arriving after it holds nothing.
                var released = current?.Document ?? OrderDocument.New(orderId);
                released.Status = ReservationStatus.Released;
                if (await _meta.WriteAsync(released, OrderDocument.DocumentId, released.Pk, current?.ETag, cancellationToken) is not null)
                {
                    return [];
                }

                continue;
            }

            var held = order.Held();
            if (held.Count == 0)
            {
                if (order.Status == ReservationStatus.Released)
                {
                    return [];
                }

                // Nothing left (all shipped): only the status changes.
                order.Status = ReservationStatus.Released;
                if (await _meta.ReplaceAsync(order, OrderDocument.DocumentId, order.Pk, current.Value.ETag, cancellationToken) is not null)
                {
                    return [];
                }

                continue;
            }

            var intent = await BeginAsync(current, orderId, IntentKind.Release, held.Select(h => h.Sku), null, ReservationStatus.Released, cancellationToken);
            if (intent is null)
            {
                continue;
            }

            var steps = await Task.WhenAll(held.GroupBy(h => h.Sku, StringComparer.Ordinal)
                .Select(g => StepAsync(intent, g.Key, Steps.Release(orderId, intent.Number, g.ToList()))));
            await CommitAsync(intent, steps, cancellationToken);
            return held;
        }
    }

    public async Task<IReadOnlyList<LocationAllocation>> ShipAsync(ShipmentRequest shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        ArgumentException.ThrowIfNullOrWhiteSpace(shipment.OrderId);
        ArgumentException.ThrowIfNullOrWhiteSpace(shipment.ShipmentId);
        if (shipment.Lines?.FirstOrDefault(l => l.Quantity <= 0) is { } bad)
        {
            throw new ArgumentException($"Shipment line {bad.Sku}@{bad.Location} must ship a positive quantity.", nameof(shipment));
        }

        var operation = "ship:" + shipment.ShipmentId;
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadOrderAsync(shipment.OrderId, cancellationToken);
            if (current?.Document.Intent is not null)
            {
                await SettleAsync(current.Value, attempt, cancellationToken);
                continue;
            }

            var order = current?.Document;
            if (order?.Operations.Contains(operation) == true)
            {
                return [];
            }

            var lines = shipment.Lines ?? order?.Held() ?? [];
            var perLocation = lines.GroupBy(l => (l.Sku, l.Location)).Select(g => new LocationAllocation(g.Key.Sku, g.Key.Location, g.Sum(l => l.Quantity))).ToList();
            EnsureHeld(shipment.OrderId, order, perLocation);
            if (lines.Count == 0)
            {
                // Nothing to ship, but the shipment id is used up, as in the embedded ledger.
                order ??= OrderDocument.New(shipment.OrderId);
                order.Operations.Add(operation);
                if (await _meta.WriteAsync(order, OrderDocument.DocumentId, order.Pk, current?.ETag, cancellationToken) is not null)
                {
                    return [];
                }

                continue;
            }

            var intent = await BeginAsync(current, shipment.OrderId, IntentKind.Ship, perLocation.Select(l => l.Sku), operation, null, cancellationToken);
            if (intent is null)
            {
                continue;
            }

            var steps = await StepAllOrUndoAsync(intent, perLocation.GroupBy(l => l.Sku, StringComparer.Ordinal)
                .Select(g => (g.Key, Steps.Ship(shipment.OrderId, shipment.ShipmentId, g.ToList()))), cancellationToken);
            await CommitAsync(intent, steps, cancellationToken);
            return lines;
        }
    }

    public async Task<ReservationResult> MoveReservationAsync(ReservationMove move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(move);
        ArgumentException.ThrowIfNullOrWhiteSpace(move.MoveId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(move.Quantity);
        if (move.FromLocation == move.ToLocation)
        {
            throw new ArgumentException("A reservation move needs two different locations.", nameof(move));
        }

        var operation = "move:" + move.MoveId;
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadOrderAsync(move.OrderId, cancellationToken);
            if (current?.Document.Intent is not null)
            {
                await SettleAsync(current.Value, attempt, cancellationToken);
                continue;
            }

            var order = current?.Document;
            if (order?.Operations.Contains(operation) == true)
            {
                return State(order);
            }

            EnsureHeld(move.OrderId, order, [new LocationAllocation(move.Sku, move.FromLocation, move.Quantity)]);
            var intent = await BeginAsync(current, move.OrderId, IntentKind.Move, [move.Sku], operation, null, cancellationToken);
            if (intent is null)
            {
                continue;
            }

            var steps = await StepAllOrUndoAsync(intent, [(move.Sku, Steps.Move(move))], cancellationToken);
            return State(await CommitAsync(intent, steps, cancellationToken));
        }
    }

    public async Task<ReservationResult?> GetReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        var current = await ReadOrderAsync(orderId, cancellationToken);
        return current?.Document is { Status: not null } order ? AsItStands(order) : null;
    }

    public async Task<IReadOnlyList<StockBalance>> GetBalancesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var distinct = skus.Distinct(StringComparer.Ordinal).ToList();
        var stocks = await ReadStocksAsync(distinct, cancellationToken);
        return distinct.Select(s => stocks[s]).OfType<StockDocument>()
            .SelectMany(d => d.Locations.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new StockBalance(d.Sku, l.Key, l.Value.OnHand, l.Value.Allocated)))
            .ToList();
    }

    public async Task<IReadOnlyList<StockMovement>> GetMovementsAsync(string sku, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if ((await _stock.ReadAsync<StockDocument>(StockDocument.DocumentId, sku, cancellationToken))?.Document is not { } document)
        {
            return [];
        }

        // The document is the snapshot: movements flushed after it was read (sequence beyond it) are left out.
        var movements = document.Outbox.Concat(document.Steps.SelectMany(s => s.Movements)).Where(m => m.Sequence > afterSequence).ToList();
        if (document.Flushed > afterSequence)
        {
            var flushed = await _stock.QueryAsync<MovementDocument>(
                new QueryDefinition("SELECT * FROM c WHERE c.sku = @sku AND c.type = 'movement' AND c.sequence > @after")
                    .WithParameter("@sku", sku).WithParameter("@after", afterSequence),
                sku,
                cancellationToken);
            movements.AddRange(flushed.Select(f => f.Movement).Where(m => m.Sequence <= document.Sequence));
        }

        return movements.DistinctBy(m => m.Sequence).OrderBy(m => m.Sequence).Take(limit).Select(m => m.ToMovement(sku)).ToList();
    }

    public Task<IReadOnlyList<InventoryChange>> ReadChangesAsync(long afterPosition, int limit, CancellationToken cancellationToken) =>
        ChangeLog.ReadAsync(afterPosition, limit, cancellationToken);

    public Task<int> PruneChangesAsync(long upToPosition, DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        ChangeLog.PruneAsync(upToPosition, olderThan, cancellationToken);

    public Task<IReadOnlyList<string>> ListSkusAsync(string? afterSku, int limit, CancellationToken cancellationToken) =>
        _index.ListAsync(afterSku, limit, cancellationToken);

    private InventoryChangeLog ChangeLog => _changeLog ?? throw new InvalidOperationException(
        "The inventory change log is off (CosmosInventoryLedgerOptions.ChangeLog): in a Function app the Cosmos DB trigger reads the inventory container's change feed.");

    /// <summary>
    /// Sends the wake-up for a commit that changed <paramref name="skus"/> (and gave reserved units of
    /// <paramref name="released"/> back); see "Announcing changes" above.
    /// </summary>
    private async Task AnnounceAsync(IEnumerable<string> skus, IEnumerable<string>? released = null)
    {
        if (_changes is null)
        {
            return;
        }

        try
        {
            // Not the caller's token: the change is committed, so its announcement should go out even if the caller gave up.
            foreach (var message in InventoryChangedMessage.For(skus, _time.GetUtcNow(), released))
            {
                await _changes.SendAsync(QueueNames.InventoryChanges, message, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "Could not announce an inventory change; the ReconcileInventory timer will pick it up.");
        }
    }

    private StockWriter Writer(string sku) => _writers.GetOrAdd(sku, s => new StockWriter(s, _writerServices));

    private async Task<Dictionary<string, StockDocument?>> ReadStocksAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var stocks = new ConcurrentDictionary<string, StockDocument?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken }, async (sku, ct) =>
            stocks[sku] = (await _stock.ReadAsync<StockDocument>(StockDocument.DocumentId, sku, ct))?.Document);
        return new Dictionary<string, StockDocument?>(stocks, StringComparer.Ordinal);
    }

    private static Dictionary<(string Sku, string Location), int> Available(Dictionary<string, StockDocument?> stocks) =>
        stocks.Values.OfType<StockDocument>().SelectMany(d => d.Available()).ToDictionary(p => p.Key, p => p.Value);

    private static void EnsureHeld(string orderId, OrderDocument? order, IEnumerable<LocationAllocation> needed)
    {
        foreach (var need in needed)
        {
            var held = order?.HeldAt(need.Sku, need.Location) ?? 0;
            if (held < need.Quantity)
            {
                throw new ReservationMismatchException(orderId, $"holds {held} of {need.Sku} at {need.Location}, {need.Quantity} needed.");
            }
        }
    }

    private static ReservationResult AsItStands(OrderDocument order) => new()
    {
        OrderId = order.OrderId,
        Status = order.Status!.Value,
        Allocations = order.Held(),
        AlreadyExisted = true,
    };

    private static ReservationResult State(OrderDocument order) => new()
    {
        OrderId = order.OrderId,
        Status = order.Status ?? ReservationStatus.Insufficient,
        Allocations = order.Held(),
        AlreadyExisted = true,
    };

    private static ReservationResult Insufficient(string orderId, IReadOnlyList<SkuQuantity> shortages) =>
        new() { OrderId = orderId, Status = ReservationStatus.Insufficient, Shortages = shortages };
}
