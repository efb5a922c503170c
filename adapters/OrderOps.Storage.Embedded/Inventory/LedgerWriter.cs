using Microsoft.Data.Sqlite;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Embedded.Inventory;

/// <summary>
/// The ledger's writes inside one transaction. Every balance change goes through <see cref="ApplyAsync"/>, which
/// checks the stock rules, updates the balance and appends the change log entry together.
/// </summary>
/// <remarks>
/// Commands are prepared once per writer and reused: a writer lives for one batch of the group commit, and
/// re-preparing the same dozen statements for every operation in it was most of an operation's cost.
/// </remarks>
internal sealed class LedgerWriter(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public DateTimeOffset Now { get; } = now;

    /// <summary>SKUs whose balances the current operation changed (cleared by the write queue before each operation).</summary>
    public HashSet<string> TouchedSkus { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Those of <see cref="TouchedSkus"/> of which the current operation gave reserved units back without shipping them
    /// (a release, a reservation moved away): announced so orders waiting for stock are retried.
    /// </summary>
    public HashSet<string> ReleasedSkus { get; } = new(StringComparer.Ordinal);

    public async Task<StockBalance> GetBalanceAsync(string sku, string location, CancellationToken cancellationToken)
    {
        var command = Command("SELECT on_hand, allocated FROM inventory_balances WHERE sku = $sku AND location = $location");
        command.Parameters.AddWithValue("$sku", sku);
        command.Parameters.AddWithValue("$location", location);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StockBalance(sku, location, reader.GetInt32(0), reader.GetInt32(1))
            : new StockBalance(sku, location, 0, 0);
    }

    /// <summary>
    /// Changes one balance. On hand and allocated never go below zero; with <paramref name="mustStayAvailable"/>
    /// (allocations, transfers out) the change must also leave available ≥ 0, which is what makes overselling
    /// impossible: the check and the write happen under the same write lock.
    /// </summary>
    public async Task ApplyAsync(string sku, string location, int onHandDelta, int allocatedDelta, bool mustStayAvailable, CancellationToken cancellationToken)
    {
        // Fast path: one statement checks the rules and applies the change to an existing balance.
        var update = Command(mustStayAvailable
            ? """
              UPDATE inventory_balances SET on_hand = on_hand + $dOnHand, allocated = allocated + $dAllocated
              WHERE sku = $sku AND location = $location AND on_hand + $dOnHand >= 0 AND allocated + $dAllocated >= 0
                AND (on_hand + $dOnHand) - (allocated + $dAllocated) >= 0
              RETURNING on_hand, allocated
              """
            : """
              UPDATE inventory_balances SET on_hand = on_hand + $dOnHand, allocated = allocated + $dAllocated
              WHERE sku = $sku AND location = $location AND on_hand + $dOnHand >= 0 AND allocated + $dAllocated >= 0
              RETURNING on_hand, allocated
              """);
        update.Parameters.AddWithValue("$sku", sku);
        update.Parameters.AddWithValue("$location", location);
        update.Parameters.AddWithValue("$dOnHand", onHandDelta);
        update.Parameters.AddWithValue("$dAllocated", allocatedDelta);
        int? onHand = null;
        var allocated = 0;
        await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                onHand = reader.GetInt32(0);
                allocated = reader.GetInt32(1);
            }
        }

        if (onHand is null)
        {
            // No row changed: either the balance does not exist yet, or the change breaks a rule. Find out which.
            var balance = await GetBalanceAsync(sku, location, cancellationToken);
            var newOnHand = checked(balance.OnHand + onHandDelta);
            var newAllocated = checked(balance.Allocated + allocatedDelta);
            if (mustStayAvailable && newOnHand - newAllocated < 0)
            {
                throw new InsufficientStockException(sku, location, Math.Max(allocatedDelta, -onHandDelta), Math.Max(0, balance.Available));
            }

            if (newOnHand < 0)
            {
                throw new InsufficientStockException(sku, location, -onHandDelta, balance.OnHand);
            }

            if (newAllocated < 0)
            {
                throw new InsufficientStockException(sku, location, -allocatedDelta, balance.Allocated);
            }

            var insert = Command("INSERT INTO inventory_balances (sku, location, on_hand, allocated) VALUES ($sku, $location, $onHand, $allocated)");
            insert.Parameters.AddWithValue("$sku", sku);
            insert.Parameters.AddWithValue("$location", location);
            insert.Parameters.AddWithValue("$onHand", newOnHand);
            insert.Parameters.AddWithValue("$allocated", newAllocated);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            (onHand, allocated) = (newOnHand, newAllocated);
        }

        TouchedSkus.Add(sku);
        if (allocatedDelta < 0 && onHandDelta - allocatedDelta > 0)
        {
            ReleasedSkus.Add(sku);
        }

        var change = Command("""
            INSERT INTO inventory_changes (sku, location, on_hand, allocated, at) VALUES ($sku, $location, $onHand, $allocated, $at)
            """);
        change.Parameters.AddWithValue("$sku", sku);
        change.Parameters.AddWithValue("$location", location);
        change.Parameters.AddWithValue("$onHand", onHand.Value);
        change.Parameters.AddWithValue("$allocated", allocated);
        change.Parameters.AddWithValue("$at", UnixTime.ToMs(Now));
        await change.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first line of a new reservation at a location (a plain insert: nothing to add to).</summary>
    public async Task InsertLineAsync(string orderId, LocationAllocation allocation, CancellationToken cancellationToken)
    {
        var insert = Command("INSERT INTO inventory_reservation_lines (order_id, sku, location, held) VALUES ($order, $sku, $location, $held)");
        insert.Parameters.AddWithValue("$order", orderId);
        insert.Parameters.AddWithValue("$sku", allocation.Sku);
        insert.Parameters.AddWithValue("$location", allocation.Location);
        insert.Parameters.AddWithValue("$held", allocation.Quantity);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StockMovement?> FindMovementAsync(string movementId, CancellationToken cancellationToken)
    {
        var command = Command($"SELECT {SqliteInventoryLedger.MovementColumns} FROM inventory_movements WHERE movement_id = $id");
        command.Parameters.AddWithValue("$id", movementId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SqliteInventoryLedger.ReadMovement(reader) : null;
    }

    public async Task InsertMovementAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        var command = Command("""
            INSERT INTO inventory_movements (movement_id, sku, location, type, quantity, to_location, order_id, reason, at)
            VALUES ($id, $sku, $location, $type, $quantity, $to, $order, $reason, $at)
            """);
        command.Parameters.AddWithValue("$id", movement.MovementId);
        command.Parameters.AddWithValue("$sku", movement.Sku);
        command.Parameters.AddWithValue("$location", movement.Location);
        command.Parameters.AddWithValue("$type", movement.Type.ToString());
        command.Parameters.AddWithValue("$quantity", movement.Quantity);
        command.Parameters.AddWithValue("$to", (object?)movement.ToLocation ?? DBNull.Value);
        command.Parameters.AddWithValue("$order", (object?)movement.OrderId ?? DBNull.Value);
        command.Parameters.AddWithValue("$reason", (object?)movement.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", UnixTime.ToMs(movement.At == default ? Now : movement.At));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a movement the ledger derives itself (reservations, releases, shipments, moves).</summary>
    public Task InsertDerivedAsync(string movementId, MovementType type, string orderId, LocationAllocation what, string? reason, CancellationToken cancellationToken) =>
        InsertMovementAsync(new StockMovement
        {
            MovementId = movementId,
            Sku = what.Sku,
            Location = what.Location,
            Type = type,
            Quantity = what.Quantity,
            OrderId = orderId,
            Reason = reason,
            At = Now,
        }, cancellationToken);

    public async Task<string?> GetReservationStatusAsync(string orderId, CancellationToken cancellationToken)
    {
        var command = Command("SELECT status FROM inventory_reservations WHERE order_id = $order");
        command.Parameters.AddWithValue("$order", orderId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetReservationStatusAsync(string orderId, ReservationStatus status, CancellationToken cancellationToken)
    {
        var command = Command("""
            INSERT INTO inventory_reservations (order_id, status, created_at, updated_at) VALUES ($order, $status, $now, $now)
            ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("$order", orderId);
        command.Parameters.AddWithValue("$status", status.ToString());
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(Now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LocationAllocation>> GetHeldAsync(string orderId, CancellationToken cancellationToken)
    {
        var command = Command("SELECT sku, location, held FROM inventory_reservation_lines WHERE order_id = $order AND held > 0 ORDER BY sku, location");
        command.Parameters.AddWithValue("$order", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var held = new List<LocationAllocation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(new LocationAllocation(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return held;
    }

    /// <summary>Adds to one reservation line: held may go up or down; shipped and released only up.</summary>
    public async Task ChangeLineAsync(string orderId, string sku, string location, int heldDelta, int shippedDelta, int releasedDelta, CancellationToken cancellationToken)
    {
        // Update first: an upsert would check held >= 0 against the insert candidate before resolving the conflict.
        var update = Command("""
            UPDATE inventory_reservation_lines SET held = held + $held, shipped = shipped + $shipped, released = released + $released
            WHERE order_id = $order AND sku = $sku AND location = $location
            """);
        update.Parameters.AddWithValue("$order", orderId);
        update.Parameters.AddWithValue("$sku", sku);
        update.Parameters.AddWithValue("$location", location);
        update.Parameters.AddWithValue("$held", heldDelta);
        update.Parameters.AddWithValue("$shipped", shippedDelta);
        update.Parameters.AddWithValue("$released", releasedDelta);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            var insert = Command("""
                INSERT INTO inventory_reservation_lines (order_id, sku, location, held, shipped, released)
                VALUES ($order, $sku, $location, $held, $shipped, $released)
                """);
            insert.Parameters.AddWithValue("$order", orderId);
            insert.Parameters.AddWithValue("$sku", sku);
            insert.Parameters.AddWithValue("$location", location);
            insert.Parameters.AddWithValue("$held", heldDelta);
            insert.Parameters.AddWithValue("$shipped", shippedDelta);
            insert.Parameters.AddWithValue("$released", releasedDelta);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Claims a compound operation id; false when it was done before.</summary>
    public async Task<bool> TryClaimOperationAsync(string operationId, CancellationToken cancellationToken)
    {
        var command = Command("INSERT INTO inventory_operations (operation_id, at) VALUES ($id, $now) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("$id", operationId);
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(Now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Dictionary<(string Sku, string Location), int>> GetAvailableAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var available = new Dictionary<(string, string), int>();
        // Parameters are named $p0..$pN, so the text (and its prepared statement) is shared by every order with N SKUs.
        var placeholders = string.Join(", ", Enumerable.Range(0, skus.Count).Select(i => $"$p{i}"));
        var command = Command($"SELECT sku, location, on_hand - allocated FROM inventory_balances WHERE sku IN ({placeholders})");
        SqliteInventoryLedger.Parameters(command, skus);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            available[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        return available;
    }

    public async Task ExecuteAsync(string sql)
    {
        var command = Command(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        _commands.Clear();
    }

    /// <summary>The prepared command for <paramref name="sql"/>, parameters cleared. Owned by the writer: do not dispose.</summary>
    private SqliteCommand Command(string sql)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
            return command;
        }

        command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        _commands[sql] = command;
        return command;
    }
}
