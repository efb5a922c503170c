using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>What an operation may use while <see cref="StockWriter"/> applies it to a freshly read document.</summary>
internal sealed class StockContext(DateTimeOffset now, string instanceId, bool changeLog)
{
    public DateTimeOffset Now { get; } = now;

    public long NowMs { get; } = now.ToUnixTimeMilliseconds();

    /// <summary>Notes a committed balance for the change log, in the same write as the balance itself.</summary>
    public void Changed(StockDocument document, string location, LocationBalance balance)
    {
        if (changeLog)
        {
            document.Unlogged.Add(new UnloggedChange
            {
                Change = ++document.ChangeSequence,
                Location = location,
                OnHand = balance.OnHand,
                Allocated = balance.Allocated,
                At = NowMs,
                By = instanceId,
            });
        }
    }
}

/// <summary>
/// One change to a SKU document. <see cref="Apply"/> must be a pure function of the document (the writer runs it again
/// on a re-read document when its write loses an If-Match race) and must check before it mutates, so a refused
/// operation leaves the document untouched for the operations batched after it.
/// </summary>
internal abstract class StockOperation
{
    /// <summary>The refusal when the operation arrives after its lease (intent steps); null while it may still be applied.</summary>
    /// <param name="timestamp">Now, as <see cref="TimeProvider.GetTimestamp"/>.</param>
    public virtual Exception? LeaseExpired(long timestamp) => null;

    /// <summary>Reads anything the operation needs besides the document (after the document was read).</summary>
    public virtual Task PrepareAsync(StockDocument document, CosmosDocuments stock, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>The operation's result and whether it changed the document.</returns>
    public abstract (object? Result, bool Changed) Apply(StockDocument document, StockContext context);

    public abstract void Complete(object? result);

    public abstract void Fail(Exception exception);
}

internal abstract class StockOperation<T> : StockOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override void Complete(object? result) => _completion.TrySetResult((T)result!);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A movement that involves no order: receipt, return, count adjustment, transfer.</summary>
internal sealed class RecordStockMovement(StockMovement movement) : StockOperation<MovementOutcome>
{
    private MovementRecord? _flushed;

    public override async Task PrepareAsync(StockDocument document, CosmosDocuments stock, CancellationToken cancellationToken)
    {
        // Once movements have been copied out of the document, a repeat may only be recognisable by its own document.
        _flushed = null;
        if (document.Flushed > 0 && document.FindMovement(movement.MovementId) is null)
        {
            _flushed = (await stock.ReadAsync<MovementDocument>(MovementDocument.IdFor(movement.MovementId), movement.Sku, cancellationToken))?.Document.Movement;
        }
    }

    public override (object? Result, bool Changed) Apply(StockDocument document, StockContext context)
    {
        if ((document.FindMovement(movement.MovementId) ?? _flushed) is { } existing)
        {
            return existing.SameContentAs(movement, document.Sku) ? (MovementOutcome.Duplicate, false) : throw new MovementConflictException(movement.MovementId);
        }

        var (location, quantity) = (movement.Location, movement.Quantity);
        BalanceRule[] rules = movement.Type switch
        {
            MovementType.Receipt or MovementType.Return or MovementType.Adjustment => [new(location, quantity, 0)],
            MovementType.Transfer => [new(location, -quantity, 0, MustStayAvailable: true), new(movement.ToLocation!, quantity, 0)],
            _ => throw new InvalidOperationException($"A {movement.Type} movement belongs to an order and goes through the order's intent."),
        };
        document.Apply(rules, (l, b) => context.Changed(document, l, b));
        document.Outbox.Add(document.Number(MovementRecord.From(movement, context.Now)));
        return (MovementOutcome.Recorded, true);
    }
}

/// <summary>What one step of an order intent does to one SKU: balance rules, reservation-line deltas, movements.</summary>
internal sealed record StepPlan(
    IReadOnlyList<BalanceRule> Rules,
    IReadOnlyList<LineDelta> Lines,
    IReadOnlyList<MovementRecord> Movements,
    IReadOnlyList<LocationAllocation> Allocations)
{
    /// <summary>For a reservation planned against this document: the units missing (then nothing is applied).</summary>
    public IReadOnlyList<SkuQuantity> Shortages { get; init; } = [];
}

/// <summary>What applying a step produced (or had produced, when it was already applied).</summary>
internal sealed record StepResult(string Sku, IReadOnlyList<LineDelta> Lines, IReadOnlyList<LocationAllocation> Allocations, IReadOnlyList<SkuQuantity> Shortages)
{
    public bool Applied => Shortages.Count == 0;
}

/// <summary>
/// Applies one step of an order intent (idempotent: a step already applied returns what it did). Refused once the
/// intent's lease has run out, so a driver that stalled cannot act after another caller took the intent over.
/// </summary>
internal sealed class ApplyStep(string orderId, long intent, long deadline, Func<StockDocument, DateTimeOffset, StepPlan> plan) : StockOperation<StepResult>
{
    public override Exception? LeaseExpired(long timestamp) => timestamp > deadline ? new IntentLeaseExpiredException(orderId, intent) : null;

    public override (object? Result, bool Changed) Apply(StockDocument document, StockContext context)
    {
        if (document.FindStep(orderId, intent) is { } done)
        {
            return (Result(document.Sku, done.Lines), false);
        }

        var step = plan(document, context.Now);
        if (step.Shortages.Count > 0)
        {
            return (new StepResult(document.Sku, [], [], step.Shortages), false);
        }

        document.Apply(step.Rules, (l, b) => context.Changed(document, l, b));
        document.Steps.Add(new PendingStep
        {
            OrderId = orderId,
            Intent = intent,
            At = context.NowMs,
            Rules = [.. step.Rules],
            Lines = [.. step.Lines],
            Movements = step.Movements.Select(document.Number).ToList(),
        });
        return (new StepResult(document.Sku, step.Lines, step.Allocations, []), true);
    }

    private static StepResult Result(string sku, IReadOnlyList<LineDelta> lines) =>
        new(sku, lines, lines.Where(l => l.Held > 0).Select(l => new LocationAllocation(sku, l.Location, l.Held)).ToList(), []);
}

/// <summary>The intent committed: the step's movements join the outbox and the step is forgotten.</summary>
internal sealed class ConfirmStep(string orderId, long intent) : StockOperation<bool>
{
    public override (object? Result, bool Changed) Apply(StockDocument document, StockContext context)
    {
        if (document.FindStep(orderId, intent) is not { } step)
        {
            return (false, false);
        }

        document.Outbox.AddRange(step.Movements);
        document.Steps.Remove(step);
        return (true, true);
    }
}

/// <summary>
/// Undoes the step exactly: its deltas reversed, its movements dropped. The intent's owner passes its lease deadline
/// (past it, the intent may belong to a recoverer); a recoverer, which fenced the document first, passes none.
/// </summary>
internal sealed class AbortStep(string orderId, long intent, long? deadline) : StockOperation<bool>
{
    public override Exception? LeaseExpired(long timestamp) => timestamp > deadline ? new IntentLeaseExpiredException(orderId, intent) : null;

    public override (object? Result, bool Changed) Apply(StockDocument document, StockContext context)
    {
        if (document.FindStep(orderId, intent) is not { } step)
        {
            return (false, false);
        }

        document.Apply(step.Rules.Reverse<BalanceRule>().Select(r => r.Reverse()).ToList(), (l, b) => context.Changed(document, l, b));
        document.Steps.Remove(step);
        return (true, true);
    }
}

/// <summary>
/// A recoverer's first write to each SKU document of an intent it took over: it rewrites the document (so any step the
/// stalled owner based on an earlier read fails its If-Match, and its re-read fails its lease) and reports the step
/// as it stands after that write, which is therefore final.
/// </summary>
internal sealed class FenceStep(string orderId, long intent) : StockOperation<PendingStep?>
{
    public override (object? Result, bool Changed) Apply(StockDocument document, StockContext context)
    {
        document.Fence++;
        return (document.FindStep(orderId, intent), true);
    }
}

/// <summary>The steps order intents apply, with the same movement ids and reasons as the embedded ledger.</summary>
internal static class Steps
{
    public static Func<StockDocument, DateTimeOffset, StepPlan> Hold(string orderId, IReadOnlyList<LocationAllocation> allocations) =>
        (document, now) => HoldPlan(document.Sku, orderId, allocations, now);

    /// <summary>Plans a one-SKU order against this very document, as the embedded ledger plans under its write lock.</summary>
    public static Func<StockDocument, DateTimeOffset, StepPlan> HoldPlanned(ReservationRequest request) =>
        (document, now) =>
        {
            var plan = AllocationPlanner.PlanFor(request, document.Available());
            return plan.IsComplete
                ? HoldPlan(document.Sku, request.OrderId, plan.Allocations, now)
                : new StepPlan([], [], [], []) { Shortages = plan.Shortages };
        };

    public static Func<StockDocument, DateTimeOffset, StepPlan> Release(string orderId, long intent, IReadOnlyList<LocationAllocation> held) =>
        (document, now) => new StepPlan(
            held.Select(h => new BalanceRule(h.Location, 0, -h.Quantity)).ToList(),
            held.Select(h => new LineDelta(h.Location, -h.Quantity, 0, h.Quantity)).ToList(),
            held.Select(h => Derived($"ledger:release:{orderId}:{h.Sku}:{h.Location}:{intent}", MovementType.Release, orderId, h, "reservation released", now)).ToList(),
            []);

    public static Func<StockDocument, DateTimeOffset, StepPlan> Ship(string orderId, string shipmentId, IReadOnlyList<LocationAllocation> lines) =>
        (document, now) => new StepPlan(
            lines.Select(l => new BalanceRule(l.Location, -l.Quantity, -l.Quantity)).ToList(),
            lines.Select(l => new LineDelta(l.Location, -l.Quantity, l.Quantity, 0)).ToList(),
            lines.Select(l => Derived($"ledger:ship:{orderId}:{shipmentId}:{l.Sku}:{l.Location}", MovementType.Shipment, orderId, l, $"shipment {shipmentId}", now)).ToList(),
            []);

    public static Func<StockDocument, DateTimeOffset, StepPlan> Move(ReservationMove move) =>
        (document, now) =>
        {
            var reason = $"reservation moved ({move.MoveId})";
            return new StepPlan(
                [new(move.FromLocation, 0, -move.Quantity), new(move.ToLocation, 0, move.Quantity, MustStayAvailable: true)],
                [new(move.FromLocation, -move.Quantity, 0, 0), new(move.ToLocation, move.Quantity, 0, 0)],
                [
                    Derived($"ledger:move:{move.MoveId}:out", MovementType.Release, move.OrderId, new(move.Sku, move.FromLocation, move.Quantity), reason, now),
                    Derived($"ledger:move:{move.MoveId}:in", MovementType.Allocation, move.OrderId, new(move.Sku, move.ToLocation, move.Quantity), reason, now),
                ],
                []);
        };

    /// <summary>An allocation, release or shipment recorded as a movement of an order.</summary>
    public static Func<StockDocument, DateTimeOffset, StepPlan> OrderMovement(StockMovement movement) =>
        (document, now) =>
        {
            var (location, quantity) = (movement.Location, movement.Quantity);
            var (rule, line) = movement.Type switch
            {
                MovementType.Allocation => (new BalanceRule(location, 0, quantity, MustStayAvailable: true), new LineDelta(location, quantity, 0, 0)),
                MovementType.Release => (new BalanceRule(location, 0, -quantity), new LineDelta(location, -quantity, 0, quantity)),
                MovementType.Shipment => (new BalanceRule(location, -quantity, -quantity), new LineDelta(location, -quantity, quantity, 0)),
                _ => throw new ArgumentOutOfRangeException(nameof(movement), movement.Type, "Not an order movement."),
            };
            return new StepPlan([rule], [line], [MovementRecord.From(movement, now)], []);
        };

    private static StepPlan HoldPlan(string sku, string orderId, IReadOnlyList<LocationAllocation> allocations, DateTimeOffset now) => new(
        allocations.Select(a => new BalanceRule(a.Location, 0, a.Quantity, MustStayAvailable: true)).ToList(),
        allocations.Select(a => new LineDelta(a.Location, a.Quantity, 0, 0)).ToList(),
        allocations.Select(a => Derived($"ledger:reserve:{orderId}:{sku}:{a.Location}", MovementType.Allocation, orderId, a, "reservation", now)).ToList(),
        allocations);

    private static MovementRecord Derived(string id, MovementType type, string orderId, LocationAllocation what, string reason, DateTimeOffset now) => new()
    {
        MovementId = id,
        Type = type,
        Location = what.Location,
        Quantity = what.Quantity,
        OrderId = orderId,
        Reason = reason,
        At = now.ToUnixTimeMilliseconds(),
    };
}

/// <summary>An intent step arrived after its lease ran out: another caller may have taken the intent over.</summary>
public sealed class IntentLeaseExpiredException(string orderId, long intent)
    : Exception($"Order '{orderId}': intent {intent} outlived its lease; the next call for the order finishes or undoes it.")
{
    public string OrderId { get; } = orderId;
}
