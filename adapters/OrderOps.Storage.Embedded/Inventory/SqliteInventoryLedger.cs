using Microsoft.Data.Sqlite;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Inventory;

/// <summary>
/// The ledger on SQLite. Operations run one after another inside <see cref="SqliteDatabase.WriteAsync{T}"/> write
/// transactions (writers serialised, BEGIN IMMEDIATE), each in its own savepoint, grouped into one commit when they
/// arrive together (<see cref="LedgerWriteQueue"/>). So reading a balance, checking it and changing it cannot
/// interleave with another writer; the balance table makes that check O(1); the change log, and the
/// <see cref="InventoryChangedMessage"/> that wakes the fan-out, are written in the same transaction as the balances.
/// </summary>
public sealed class SqliteInventoryLedger : IInventoryLedger
{
    internal const string MovementColumns = "sequence, movement_id, sku, location, type, quantity, to_location, order_id, reason, at";
    private const int MaxParametersPerQuery = 500;
    private readonly SqliteDatabase database;
    private readonly TimeProvider time;
    private readonly LedgerWriteQueue _writes;

    /// <param name="queueSignal">Woken after a commit enqueued its <see cref="InventoryChangedMessage"/> (the embedded queue's pump).</param>
    public SqliteInventoryLedger(SqliteDatabase database, TimeProvider time, InventorySignals? signals = null, Messaging.QueueSignal? queueSignal = null)
    {
        this.database = database;
        this.time = time;
        _writes = new LedgerWriteQueue(database, time, () =>
        {
            signals?.LedgerChanged();
            queueSignal?.Notify(QueueNames.InventoryChanges);
        });
    }

    public async Task<MovementOutcome> RecordMovementAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movement);
        var errors = StockMovementValidator.Validate(movement);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(movement));
        }

        return await _writes.ExecuteAsync(async (writer, _) =>
        {
            if (await writer.FindMovementAsync(movement.MovementId, cancellationToken) is { } existing)
            {
                return SameMovement(existing, movement) ? (MovementOutcome.Duplicate, false) : throw new MovementConflictException(movement.MovementId);
            }

            var (sku, location, quantity) = (movement.Sku, movement.Location, movement.Quantity);
            switch (movement.Type)
            {
                case MovementType.Receipt or MovementType.Return:
                    await writer.ApplyAsync(sku, location, quantity, 0, mustStayAvailable: false, cancellationToken);
                    break;
                case MovementType.Adjustment:
                    await writer.ApplyAsync(sku, location, quantity, 0, mustStayAvailable: false, cancellationToken);
                    break;
                case MovementType.Transfer:
                    await writer.ApplyAsync(sku, location, -quantity, 0, mustStayAvailable: true, cancellationToken);
                    await writer.ApplyAsync(sku, movement.ToLocation!, quantity, 0, mustStayAvailable: false, cancellationToken);
                    break;
                case MovementType.Allocation:
                    await EnsureReservableAsync(writer, movement.OrderId!, cancellationToken);
                    await writer.ApplyAsync(sku, location, 0, quantity, mustStayAvailable: true, cancellationToken);
                    await writer.ChangeLineAsync(movement.OrderId!, sku, location, quantity, 0, 0, cancellationToken);
                    await writer.SetReservationStatusAsync(movement.OrderId!, ReservationStatus.Reserved, cancellationToken);
                    break;
                case MovementType.Release:
                    await EnsureHeldAsync(writer, movement.OrderId!, sku, location, quantity, cancellationToken);
                    await writer.ApplyAsync(sku, location, 0, -quantity, mustStayAvailable: false, cancellationToken);
                    await writer.ChangeLineAsync(movement.OrderId!, sku, location, -quantity, 0, quantity, cancellationToken);
                    break;
                case MovementType.Shipment:
                    await EnsureHeldAsync(writer, movement.OrderId!, sku, location, quantity, cancellationToken);
                    await writer.ApplyAsync(sku, location, -quantity, -quantity, mustStayAvailable: false, cancellationToken);
                    await writer.ChangeLineAsync(movement.OrderId!, sku, location, -quantity, quantity, 0, cancellationToken);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(movement), movement.Type, "Unknown movement type.");
            }

            await writer.InsertMovementAsync(movement, cancellationToken);
            return (MovementOutcome.Recorded, true);
        }, cancellationToken);
    }

    public async Task<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(request));
        }

        return await _writes.ExecuteAsync(async (writer, _) =>
        {
            if (await writer.GetReservationStatusAsync(request.OrderId, cancellationToken) is { } status)
            {
                return (new ReservationResult
                {
                    OrderId = request.OrderId,
                    Status = Enum.Parse<ReservationStatus>(status),
                    Allocations = await writer.GetHeldAsync(request.OrderId, cancellationToken),
                    AlreadyExisted = true,
                }, false);
            }

            var skus = request.Totals().Select(t => t.Sku).ToList();
            var available = await writer.GetAvailableAsync(skus, cancellationToken);
            var plan = AllocationPlanner.PlanFor(request, available);
            if (!plan.IsComplete)
            {
                return (new ReservationResult { OrderId = request.OrderId, Status = ReservationStatus.Insufficient, Shortages = plan.Shortages }, false);
            }

            foreach (var allocation in plan.Allocations)
            {
                await writer.ApplyAsync(allocation.Sku, allocation.Location, 0, allocation.Quantity, mustStayAvailable: true, cancellationToken);
                await writer.InsertLineAsync(request.OrderId, allocation, cancellationToken);
                await writer.InsertDerivedAsync($"ledger:reserve:{request.OrderId}:{allocation.Sku}:{allocation.Location}", MovementType.Allocation, request.OrderId, allocation, "reservation", cancellationToken);
            }

            await writer.SetReservationStatusAsync(request.OrderId, ReservationStatus.Reserved, cancellationToken);
            return (new ReservationResult { OrderId = request.OrderId, Status = ReservationStatus.Reserved, Allocations = plan.Allocations }, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LocationAllocation>> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        return await _writes.ExecuteAsync<IReadOnlyList<LocationAllocation>>(async (writer, _) =>
        {
            if (await writer.GetReservationStatusAsync(orderId, cancellationToken) is null)
            {
                // Remember the release even though nothing was held, so a reservation racing it holds nothing.
                await writer.SetReservationStatusAsync(orderId, ReservationStatus.Released, cancellationToken);
                return ([], false);
            }

            var held = await writer.GetHeldAsync(orderId, cancellationToken);
            foreach (var line in held)
            {
                await writer.ApplyAsync(line.Sku, line.Location, 0, -line.Quantity, mustStayAvailable: false, cancellationToken);
                await writer.ChangeLineAsync(orderId, line.Sku, line.Location, -line.Quantity, 0, line.Quantity, cancellationToken);
                await writer.InsertDerivedAsync($"ledger:release:{orderId}:{line.Sku}:{line.Location}:{Guid.NewGuid():N}", MovementType.Release, orderId, line, "reservation released", cancellationToken);
            }

            await writer.SetReservationStatusAsync(orderId, ReservationStatus.Released, cancellationToken);
            return (held, held.Count > 0);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<LocationAllocation>> ShipAsync(ShipmentRequest shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        ArgumentException.ThrowIfNullOrWhiteSpace(shipment.OrderId);
        ArgumentException.ThrowIfNullOrWhiteSpace(shipment.ShipmentId);
        return await _writes.ExecuteAsync<IReadOnlyList<LocationAllocation>>(async (writer, _) =>
        {
            if (!await writer.TryClaimOperationAsync($"ship:{shipment.OrderId}:{shipment.ShipmentId}", cancellationToken))
            {
                return ([], false);
            }

            var lines = shipment.Lines ?? await writer.GetHeldAsync(shipment.OrderId, cancellationToken);
            foreach (var line in lines)
            {
                if (line.Quantity <= 0)
                {
                    throw new ArgumentException($"Shipment line {line.Sku}@{line.Location} must ship a positive quantity.", nameof(shipment));
                }

                await EnsureHeldAsync(writer, shipment.OrderId, line.Sku, line.Location, line.Quantity, cancellationToken);
                await writer.ApplyAsync(line.Sku, line.Location, -line.Quantity, -line.Quantity, mustStayAvailable: false, cancellationToken);
                await writer.ChangeLineAsync(shipment.OrderId, line.Sku, line.Location, -line.Quantity, line.Quantity, 0, cancellationToken);
                await writer.InsertDerivedAsync($"ledger:ship:{shipment.OrderId}:{shipment.ShipmentId}:{line.Sku}:{line.Location}", MovementType.Shipment, shipment.OrderId, line, $"shipment {shipment.ShipmentId}", cancellationToken);
            }

            return (lines, lines.Count > 0);
        }, cancellationToken);
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

        return await _writes.ExecuteAsync(async (writer, _) =>
        {
            var moved = await writer.TryClaimOperationAsync($"move:{move.MoveId}", cancellationToken);
            if (moved)
            {
                await EnsureHeldAsync(writer, move.OrderId, move.Sku, move.FromLocation, move.Quantity, cancellationToken);
                await writer.ApplyAsync(move.Sku, move.FromLocation, 0, -move.Quantity, mustStayAvailable: false, cancellationToken);
                await writer.ApplyAsync(move.Sku, move.ToLocation, 0, move.Quantity, mustStayAvailable: true, cancellationToken);
                await writer.ChangeLineAsync(move.OrderId, move.Sku, move.FromLocation, -move.Quantity, 0, 0, cancellationToken);
                await writer.ChangeLineAsync(move.OrderId, move.Sku, move.ToLocation, move.Quantity, 0, 0, cancellationToken);
                var reason = $"reservation moved ({move.MoveId})";
                await writer.InsertDerivedAsync($"ledger:move:{move.MoveId}:out", MovementType.Release, move.OrderId, new(move.Sku, move.FromLocation, move.Quantity), reason, cancellationToken);
                await writer.InsertDerivedAsync($"ledger:move:{move.MoveId}:in", MovementType.Allocation, move.OrderId, new(move.Sku, move.ToLocation, move.Quantity), reason, cancellationToken);
            }

            var status = await writer.GetReservationStatusAsync(move.OrderId, cancellationToken);
            return (new ReservationResult
            {
                OrderId = move.OrderId,
                Status = status is null ? ReservationStatus.Insufficient : Enum.Parse<ReservationStatus>(status),
                Allocations = await writer.GetHeldAsync(move.OrderId, cancellationToken),
                AlreadyExisted = true,
            }, moved);
        }, cancellationToken);
    }

    public async Task<ReservationResult?> GetReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var writer = new LedgerWriter(connection, transaction, time.GetUtcNow());
        var status = await writer.GetReservationStatusAsync(orderId, cancellationToken);
        return status is null
            ? null
            : new ReservationResult
            {
                OrderId = orderId,
                Status = Enum.Parse<ReservationStatus>(status),
                Allocations = await writer.GetHeldAsync(orderId, cancellationToken),
                AlreadyExisted = true,
            };
    }

    public async Task<IReadOnlyList<StockBalance>> GetBalancesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var balances = new List<StockBalance>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in skus.Distinct(StringComparer.Ordinal).Chunk(MaxParametersPerQuery))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT sku, location, on_hand, allocated FROM inventory_balances WHERE sku IN ({Parameters(command, chunk)})";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                balances.Add(new StockBalance(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        return balances;
    }

    public async Task<IReadOnlyList<StockMovement>> GetMovementsAsync(string sku, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {MovementColumns} FROM inventory_movements WHERE sku = $sku AND sequence > $after ORDER BY sequence LIMIT $limit";
        command.Parameters.AddWithValue("$sku", sku);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var movements = new List<StockMovement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            movements.Add(ReadMovement(reader));
        }

        return movements;
    }

    public async Task<IReadOnlyList<InventoryChange>> ReadChangesAsync(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, sku, location, on_hand, allocated, at FROM inventory_changes WHERE position > $after ORDER BY position LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<InventoryChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new InventoryChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), UnixTime.FromMs(reader.GetInt64(5))));
        }

        return changes;
    }

    public Task<int> PruneChangesAsync(long upToPosition, DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM inventory_changes WHERE position <= $position AND at < $before";
            command.Parameters.AddWithValue("$position", upToPosition);
            command.Parameters.AddWithValue("$before", UnixTime.ToMs(olderThan));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<string>> ListSkusAsync(string? afterSku, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT sku FROM inventory_balances WHERE sku > $after ORDER BY sku LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterSku ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var skus = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            skus.Add(reader.GetString(0));
        }

        return skus;
    }

    internal static StockMovement ReadMovement(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        MovementId = reader.GetString(1),
        Sku = reader.GetString(2),
        Location = reader.GetString(3),
        Type = Enum.Parse<MovementType>(reader.GetString(4)),
        Quantity = reader.GetInt32(5),
        ToLocation = reader.IsDBNull(6) ? null : reader.GetString(6),
        OrderId = reader.IsDBNull(7) ? null : reader.GetString(7),
        Reason = reader.IsDBNull(8) ? null : reader.GetString(8),
        At = UnixTime.FromMs(reader.GetInt64(9)),
    };

    /// <summary>Adds one named parameter per value and returns the placeholder list for an IN clause.</summary>
    internal static string Parameters(SqliteCommand command, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"$p{names.Count}";
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }

        return names.Count == 0 ? "NULL" : string.Join(", ", names);
    }

    private static bool SameMovement(StockMovement stored, StockMovement incoming) =>
        stored.Sku == incoming.Sku && stored.Location == incoming.Location && stored.Type == incoming.Type &&
        stored.Quantity == incoming.Quantity && stored.ToLocation == incoming.ToLocation && stored.OrderId == incoming.OrderId;

    private static async Task EnsureReservableAsync(LedgerWriter writer, string orderId, CancellationToken cancellationToken)
    {
        if (await writer.GetReservationStatusAsync(orderId, cancellationToken) == nameof(ReservationStatus.Released))
        {
            throw new ReservationMismatchException(orderId, "its reservation was released; a released order is not allocated again.");
        }
    }

    private static async Task EnsureHeldAsync(LedgerWriter writer, string orderId, string sku, string location, int quantity, CancellationToken cancellationToken)
    {
        var held = (await writer.GetHeldAsync(orderId, cancellationToken)).FirstOrDefault(h => h.Sku == sku && h.Location == location)?.Quantity ?? 0;
        if (held < quantity)
        {
            throw new ReservationMismatchException(orderId, $"holds {held} of {sku} at {location}, {quantity} needed.");
        }
    }
}
