using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>The order intents: taking one, stepping, committing, undoing, and finishing or undoing an abandoned one.</summary>
public sealed partial class CosmosInventoryLedger
{
    /// <summary>
    /// Finishes or undoes whatever a crash left of order operations on this SKU: steps older than the lease plus the
    /// clock-skew allowance whose intent is still open are recovered (as the order's next call would), and steps whose
    /// intent committed but which were never confirmed are confirmed. Called in the background when a write notices
    /// such steps; callable directly (returns how many steps it resolved).
    /// </summary>
    public async Task<int> RepairAsync(string sku, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sku);
        var document = (await _stock.ReadAsync<StockDocument>(StockDocument.DocumentId, sku, cancellationToken))?.Document;
        var staleBefore = NowMs - (long)_options.RecoverAfter.TotalMilliseconds;
        var resolved = 0;
        foreach (var step in document?.Steps.Where(s => s.At < staleBefore).ToList() ?? [])
        {
            resolved += await RepairStepAsync(sku, step.OrderId, step.Intent, cancellationToken) ? 1 : 0;
        }

        return resolved;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long LeaseTicks => (long)(_options.IntentLease.TotalSeconds * _time.TimestampFrequency);

    private async Task<(OrderDocument Document, string ETag)?> ReadOrderAsync(string orderId, CancellationToken cancellationToken) =>
        await _meta.ReadAsync<OrderDocument>(OrderDocument.DocumentId, OrderDocument.PartitionFor(orderId), cancellationToken);

    /// <summary>Another operation of the order is in flight: wait for it, or take it over once it is abandoned.</summary>
    private async Task SettleAsync((OrderDocument Document, string ETag) current, int attempt, CancellationToken cancellationToken)
    {
        var age = NowMs - current.Document.Intent!.StartedAt;
        if (age > _options.RecoverAfter.TotalMilliseconds)
        {
            await RecoverAsync(current, cancellationToken);
            return;
        }

        // Real time, not the TimeProvider: this waits for another caller's network round trips. An intent that is
        // seconds old is not finishing soon (its owner is slow or gone), so it is looked at once a second until it can
        // be taken over.
        var pause = age < 2_000 ? Math.Min(5 * attempt, 100) : 1_000;
        await Task.Delay(TimeSpan.FromMilliseconds(pause), cancellationToken);
    }

    /// <summary>Writes a new intent into the order document (creating it if needed); null when another caller changed it first.</summary>
    private async Task<OrderIntentHandle?> BeginAsync(
        (OrderDocument Document, string ETag)? current,
        string orderId,
        IntentKind kind,
        IEnumerable<string> skus,
        string? operation,
        ReservationStatus? commitStatus,
        CancellationToken cancellationToken)
    {
        // The lease is measured from before the write, so the owner's deadline never outlasts what others assume.
        var started = _time.GetTimestamp();
        var document = current?.Document ?? OrderDocument.New(orderId);
        document.Intent = new OrderIntent
        {
            Number = document.Done + 1,
            Kind = kind,
            Owner = _options.InstanceId,
            StartedAt = NowMs,
            Skus = skus.Distinct(StringComparer.Ordinal).ToList(),
            Operation = operation,
            CommitStatus = commitStatus,
        };
        var etag = await _meta.WriteAsync(document, OrderDocument.DocumentId, document.Pk, current?.ETag, cancellationToken);
        return etag is null ? null : new OrderIntentHandle(document, etag, started + LeaseTicks);
    }

    private Task<StepResult> StepAsync(OrderIntentHandle intent, string sku, Func<StockDocument, DateTimeOffset, StepPlan> plan) =>
        Writer(sku).RunAsync(new ApplyStep(intent.OrderId, intent.Number, intent.Deadline, plan));

    /// <summary>Applies every step; if any is refused, undoes them all, gives the intent up and throws the refusal.</summary>
    private async Task<IReadOnlyList<StepResult>> StepAllOrUndoAsync(
        OrderIntentHandle intent, IEnumerable<(string Sku, Func<StockDocument, DateTimeOffset, StepPlan> Plan)> steps, CancellationToken cancellationToken)
    {
        var (applied, failures) = await TryStepAllAsync(intent, steps);
        if (failures.Count == 0)
        {
            return applied;
        }

        await AbandonAsync(intent, failures[0], cancellationToken);
        ExceptionDispatchInfo.Throw(failures.FirstOrDefault(f => f is InsufficientStockException or ReservationMismatchException) ?? failures[0]);
        throw new InvalidOperationException("Unreachable.");
    }

    private async Task<(List<StepResult> Applied, List<Exception> Failures)> TryStepAllAsync(
        OrderIntentHandle intent, IEnumerable<(string Sku, Func<StockDocument, DateTimeOffset, StepPlan> Plan)> steps)
    {
        var tasks = steps.Select(s => StepAsync(intent, s.Sku, s.Plan)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception)
        {
            // Inspected task by task below.
        }

        return (
            tasks.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList(),
            tasks.Where(t => !t.IsCompletedSuccessfully).Select(t => t.Exception?.InnerException ?? new OperationCanceledException()).ToList());
    }

    /// <summary>Undoes the intent's steps on every SKU it names (a step whose outcome is unknown included).</summary>
    private Task<bool[]> UndoStepsAsync(OrderIntentHandle intent, long? deadline) =>
        Task.WhenAll(intent.Skus.Select(sku => Writer(sku).RunAsync(new AbortStep(intent.OrderId, intent.Number, deadline))));

    /// <summary>
    /// The owner gives its intent up: steps undone, intent cleared, nothing committed. If the undo fails (store down, or
    /// the lease ran out) the intent stays for the next caller to recover, and <paramref name="cause"/> is what the
    /// caller sees.
    /// </summary>
    private async Task AbandonAsync(OrderIntentHandle intent, Exception? cause, CancellationToken cancellationToken)
    {
        try
        {
            await UndoStepsAsync(intent, intent.Deadline);
        }
        catch (Exception undo) when (cause is not null)
        {
            _logger.LogWarning(undo, "Could not undo intent {Intent} of an order; its next call recovers it.", intent.Number);
            return;
        }

        var document = intent.Document;
        document.Intent = null;
        document.Done = intent.Number;
        // Null: taken over meanwhile; the recoverer owns the outcome.
        await _meta.ReplaceAsync(document, OrderDocument.DocumentId, document.Pk, intent.ETag, cancellationToken);
    }

    /// <summary>Commits the intent into the order document, then confirms its steps. Returns the committed document.</summary>
    /// <exception cref="IntentLeaseExpiredException">The intent was taken over before it could commit.</exception>
    private async Task<OrderDocument> CommitAsync(OrderIntentHandle intent, IReadOnlyList<StepResult> steps, CancellationToken cancellationToken)
    {
        var document = intent.Document;
        var committing = document.Intent!;
        foreach (var step in steps)
        {
            document.Apply(step.Sku, step.Lines);
        }

        if (committing.Operation is { } operation)
        {
            document.Operations.Add(operation);
        }

        // Every step is applied, so the balances are final whatever happens next: announce them while the intent is held,
        // so a crash before this leaves an open intent whose recovery announces (see "Announcing changes").
        await AnnounceAsync(steps.Select(s => s.Sku), steps.Where(s => LineDelta.GiveBack(s.Lines)).Select(s => s.Sku));
        document.Status = committing.CommitStatus ?? document.Status;
        document.Done = committing.Number;
        document.Intent = null;
        if (await _meta.ReplaceAsync(document, OrderDocument.DocumentId, document.Pk, intent.ETag, cancellationToken) is null)
        {
            throw new IntentLeaseExpiredException(intent.OrderId, intent.Number);
        }

        try
        {
            await Task.WhenAll(intent.Skus.Select(sku => Writer(sku).RunAsync(new ConfirmStep(intent.OrderId, intent.Number))));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Committed all the same; the unconfirmed steps are confirmed by RepairAsync once they are stale.
            _logger.LogWarning(exception, "Could not confirm the steps of a committed order intent; the repair confirms them later.");
        }

        return document;
    }

    private async Task<ReservationResult> ReserveUnderIntentAsync(
        OrderIntentHandle intent, ReservationRequest request, List<string> skus, AllocationPlan plan, CancellationToken cancellationToken)
    {
        if (skus.Count == 1 && request.Allocations is null)
        {
            var step = await StepOrAbandonAsync(intent, skus[0], Steps.HoldPlanned(request), cancellationToken);
            if (!step.Applied)
            {
                await AbandonAsync(intent, null, cancellationToken);
                return Insufficient(request.OrderId, step.Shortages);
            }

            await CommitAsync(intent, [step], cancellationToken);
            return new ReservationResult { OrderId = request.OrderId, Status = ReservationStatus.Reserved, Allocations = step.Allocations };
        }

        for (var round = 1; ; round++)
        {
            if (round > 1)
            {
                plan = AllocationPlanner.PlanFor(request, Available(await ReadStocksAsync(skus, cancellationToken)));
            }

            if (!plan.IsComplete)
            {
                await AbandonAsync(intent, null, cancellationToken);
                return Insufficient(request.OrderId, plan.Shortages);
            }

            var (applied, failures) = await TryStepAllAsync(intent, plan.Allocations
                .GroupBy(a => a.Sku, StringComparer.Ordinal)
                .Select(g => (g.Key, Steps.Hold(request.OrderId, g.ToList()))));
            if (failures.Count == 0)
            {
                await CommitAsync(intent, applied, cancellationToken);
                return new ReservationResult { OrderId = request.OrderId, Status = ReservationStatus.Reserved, Allocations = plan.Allocations };
            }

            if (failures.FirstOrDefault(f => f is not InsufficientStockException) is { } refusal)
            {
                // A store error or an expired lease ends the attempt.
                await AbandonAsync(intent, refusal, cancellationToken);
                throw Rethrow(refusal);
            }

            if (round >= _options.MaxPlanRounds)
            {
                await AbandonAsync(intent, null, cancellationToken);
                return Insufficient(request.OrderId, failures.Cast<InsufficientStockException>().Select(e => new SkuQuantity(e.Sku, e.Requested - e.Available)).ToList());
            }

            // Another order took the stock between the plan and the step: give back what was held, plan again.
            await UndoStepsAsync(intent, intent.Deadline);
        }
    }

    private async Task<StepResult> StepOrAbandonAsync(
        OrderIntentHandle intent, string sku, Func<StockDocument, DateTimeOffset, StepPlan> plan, CancellationToken cancellationToken)
    {
        var (applied, failures) = await TryStepAllAsync(intent, [(sku, plan)]);
        if (failures.Count == 0)
        {
            return applied[0];
        }

        await AbandonAsync(intent, failures[0], cancellationToken);
        throw Rethrow(failures[0]);
    }

    private async Task<MovementOutcome> RecordOrderMovementAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        var operation = "mv:" + movement.MovementId;
        var orderId = movement.OrderId!;
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadOrderAsync(orderId, cancellationToken);
            if (current?.Document.Intent is not null)
            {
                await SettleAsync(current.Value, attempt, cancellationToken);
                continue;
            }

            var order = current?.Document;
            if (order?.Operations.Contains(operation) == true)
            {
                // The claim already proved the content is the same.
                return MovementOutcome.Duplicate;
            }

            if (movement.Type == MovementType.Allocation)
            {
                if (order?.Status == ReservationStatus.Released)
                {
                    throw new ReservationMismatchException(orderId, "its reservation was released; a released order is not allocated again.");
                }
            }
            else
            {
                EnsureHeld(orderId, order, [new LocationAllocation(movement.Sku, movement.Location, movement.Quantity)]);
            }

            var commitStatus = movement.Type == MovementType.Allocation ? ReservationStatus.Reserved : (ReservationStatus?)null;
            var intent = await BeginAsync(current, orderId, IntentKind.OrderMovement, [movement.Sku], operation, commitStatus, cancellationToken);
            if (intent is null)
            {
                continue;
            }

            var step = await StepOrAbandonAsync(intent, movement.Sku, Steps.OrderMovement(movement), cancellationToken);
            await CommitAsync(intent, [step], cancellationToken);
            return MovementOutcome.Recorded;
        }
    }

    /// <summary>
    /// Takes over an abandoned intent and finishes or undoes it. First every SKU document it names is fenced (rewritten),
    /// so what the fence reports is final; then a release is finished (its missing steps applied), any other intent is
    /// finished when every step is there and undone otherwise.
    /// </summary>
    private async Task RecoverAsync((OrderDocument Document, string ETag) current, CancellationToken cancellationToken)
    {
        var (document, etag) = current;
        var abandoned = document.Intent!;
        var started = _time.GetTimestamp();
        var previousOwner = abandoned.Owner;
        abandoned.Owner = _options.InstanceId;
        abandoned.StartedAt = NowMs;
        var taken = await _meta.ReplaceAsync(document, OrderDocument.DocumentId, document.Pk, etag, cancellationToken);
        if (taken is null)
        {
            return;
        }

        var intent = new OrderIntentHandle(document, taken, started + LeaseTicks);
        var fenced = await Task.WhenAll(intent.Skus.Select(async sku => (Sku: sku, Step: await Writer(sku).RunAsync(new FenceStep(intent.OrderId, intent.Number)))));
        var applied = fenced.Where(f => f.Step is not null).ToDictionary(f => f.Sku, f => f.Step!, StringComparer.Ordinal);
        if (abandoned.Kind == IntentKind.Release || applied.Count == fenced.Length)
        {
            var steps = new List<StepResult>();
            foreach (var sku in intent.Skus)
            {
                steps.Add(applied.TryGetValue(sku, out var step)
                    ? new StepResult(sku, step.Lines, [], [])
                    : await StepAsync(intent, sku, Steps.Release(intent.OrderId, intent.Number, document.Held().Where(h => h.Sku == sku).ToList())));
            }

            await CommitAsync(intent, steps, cancellationToken);
            _logger.LogInformation("Finished {Kind} intent {Intent} of an order abandoned by instance {Owner}.", abandoned.Kind, intent.Number, previousOwner);
            return;
        }

        await Task.WhenAll(applied.Keys.Select(sku => Writer(sku).RunAsync(new AbortStep(intent.OrderId, intent.Number, null))));
        // The undone steps may have been seen (and announced by nobody): their SKUs changed back.
        await AnnounceAsync(applied.Keys, applied.Where(a => LineDelta.GiveBack(a.Value.Lines, undone: true)).Select(a => a.Key));
        document.Intent = null;
        document.Done = intent.Number;
        await _meta.ReplaceAsync(document, OrderDocument.DocumentId, document.Pk, intent.ETag, cancellationToken);
        _logger.LogInformation("Undid {Kind} intent {Intent} of an order abandoned by instance {Owner}.", abandoned.Kind, intent.Number, previousOwner);
    }

    /// <summary>Resolves one stale step: recovers its intent if still open and abandoned, confirms it if the intent committed.</summary>
    private async Task<bool> RepairStepAsync(string sku, string orderId, long number, CancellationToken cancellationToken)
    {
        var current = await ReadOrderAsync(orderId, cancellationToken);
        if (current?.Document.Intent is { } open && open.Number == number)
        {
            if (NowMs - open.StartedAt <= _options.RecoverAfter.TotalMilliseconds)
            {
                return false;
            }

            await RecoverAsync(current.Value, cancellationToken);
            return true;
        }

        if (current?.Document.Done >= number)
        {
            // Committed (an undone intent leaves no steps behind): the crash came between commit and confirm.
            return await Writer(sku).RunAsync(new ConfirmStep(orderId, number));
        }

        _logger.LogWarning("A SKU document holds a step of intent {Intent} that its order document does not know; left as it is.", number);
        return false;
    }

    private void OnStaleSteps(string sku, IReadOnlyList<PendingStep> steps)
    {
        if (!_repairing.TryAdd(sku, true))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RepairAsync(sku, CancellationToken.None);
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Repairing {Count} stale order steps on a SKU failed; the next write of the SKU tries again.", steps.Count);
            }
            finally
            {
                _repairing.TryRemove(sku, out _);
            }
        });
    }

    private static Exception Rethrow(Exception exception)
    {
        ExceptionDispatchInfo.Throw(exception);
        return exception;
    }

    /// <summary>An intent this instance holds: the order document as written with it, its ETag, and the lease deadline.</summary>
    private sealed class OrderIntentHandle(OrderDocument document, string etag, long deadline)
    {
        public OrderDocument Document { get; } = document;

        public string ETag { get; } = etag;

        public long Deadline { get; } = deadline;

        public string OrderId { get; } = document.OrderId;

        public long Number { get; } = document.Intent!.Number;

        public IReadOnlyList<string> Skus { get; } = document.Intent!.Skus;
    }
}
