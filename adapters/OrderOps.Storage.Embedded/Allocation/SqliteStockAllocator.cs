using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Allocation;

/// <summary>
/// Reservations per order on stock levels per (location, SKU), each change one write transaction so stock and
/// reservations never disagree. A stand-in for the inventory ledger's reservation part (see <see cref="IStockAllocator"/>).
/// </summary>
public sealed class SqliteStockAllocator(SqliteDatabase database) : IStockAllocator
{
    public async Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT location_id, sku, on_hand - reserved FROM stock_levels WHERE sku IN (SELECT value FROM json_each($skus)) ORDER BY location_id, sku";
        command.Parameters.AddWithValue("$skus", JsonSerializer.Serialize(skus));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var levels = new List<StockLevel>();
        while (await reader.ReadAsync(cancellationToken))
        {
            levels.Add(new StockLevel(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return levels;
    }

    public Task<StockReservationResult> ReserveAsync(string orderId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var existing = await OpenLinesAsync(connection, transaction, orderId, cancellationToken);
            if (existing.Count > 0)
            {
                return StockReservationResult.Ok(existing);
            }

            var lines = plan.GroupBy(l => (l.LocationId, l.Sku)).Select(g => new AllocationLine(g.Key.LocationId, g.Key.Sku, g.Sum(l => l.Quantity))).ToList();
            var shortages = new List<string>();
            foreach (var line in lines)
            {
                await using var check = Command(connection, transaction, "SELECT on_hand - reserved FROM stock_levels WHERE location_id = $location AND sku = $sku");
                check.Parameters.AddWithValue("$location", line.LocationId);
                check.Parameters.AddWithValue("$sku", line.Sku);
                var available = await check.ExecuteScalarAsync(cancellationToken) is long value ? value : 0;
                if (available < line.Quantity)
                {
                    shortages.Add($"{line.Sku}@{line.LocationId}: need {line.Quantity}, available {available}");
                }
            }

            if (shortages.Count > 0)
            {
                return StockReservationResult.Short(shortages);
            }

            foreach (var line in lines)
            {
                await using var reserve = Command(connection, transaction, """
                    UPDATE stock_levels SET reserved = reserved + $quantity WHERE location_id = $location AND sku = $sku;
                    INSERT INTO stock_reservations (order_id, location_id, sku, quantity, shipped, released) VALUES ($order, $location, $sku, $quantity, 0, 0)
                    ON CONFLICT (order_id, location_id, sku) DO UPDATE SET quantity = excluded.quantity, shipped = 0, released = 0;
                    """);
                reserve.Parameters.AddWithValue("$order", orderId);
                reserve.Parameters.AddWithValue("$location", line.LocationId);
                reserve.Parameters.AddWithValue("$sku", line.Sku);
                reserve.Parameters.AddWithValue("$quantity", line.Quantity);
                await reserve.ExecuteNonQueryAsync(cancellationToken);
            }

            // Rows left from an earlier, released reservation that this plan does not use stay released.
            return StockReservationResult.Ok(lines);
        }, cancellationToken);
    }

    public Task ReleaseAsync(string orderId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var release = Command(connection, transaction, """
                UPDATE stock_levels SET reserved = reserved - (
                    SELECT r.quantity - r.shipped FROM stock_reservations r
                    WHERE r.order_id = $order AND r.released = 0 AND r.location_id = stock_levels.location_id AND r.sku = stock_levels.sku)
                WHERE EXISTS (SELECT 1 FROM stock_reservations r
                    WHERE r.order_id = $order AND r.released = 0 AND r.location_id = stock_levels.location_id AND r.sku = stock_levels.sku);
                UPDATE stock_reservations SET released = 1 WHERE order_id = $order AND released = 0;
                """);
            release.Parameters.AddWithValue("$order", orderId);
            return await release.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task RecordShipmentAsync(string orderId, string shipmentId, string locationId, IReadOnlyList<ShipmentLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var once = Command(connection, transaction, "INSERT INTO stock_shipments (shipment_id, order_id) VALUES ($shipment, $order) ON CONFLICT DO NOTHING");
            once.Parameters.AddWithValue("$shipment", shipmentId);
            once.Parameters.AddWithValue("$order", orderId);
            if (await once.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return 0;
            }

            foreach (var line in lines.GroupBy(l => l.Sku).Select(g => new ShipmentLine(g.Key, g.Sum(l => l.Quantity))))
            {
                await using var open = Command(connection, transaction, "SELECT quantity - shipped FROM stock_reservations WHERE order_id = $order AND location_id = $location AND sku = $sku AND released = 0");
                open.Parameters.AddWithValue("$order", orderId);
                open.Parameters.AddWithValue("$location", locationId);
                open.Parameters.AddWithValue("$sku", line.Sku);
                var take = Math.Min(line.Quantity, await open.ExecuteScalarAsync(cancellationToken) is long value ? (int)value : 0);
                if (take <= 0)
                {
                    continue;
                }

                await using var ship = Command(connection, transaction, """
                    UPDATE stock_reservations SET shipped = shipped + $take WHERE order_id = $order AND location_id = $location AND sku = $sku;
                    UPDATE stock_levels SET on_hand = on_hand - $take, reserved = reserved - $take WHERE location_id = $location AND sku = $sku;
                    """);
                ship.Parameters.AddWithValue("$order", orderId);
                ship.Parameters.AddWithValue("$location", locationId);
                ship.Parameters.AddWithValue("$sku", line.Sku);
                ship.Parameters.AddWithValue("$take", take);
                await ship.ExecuteNonQueryAsync(cancellationToken);
            }

            return 1;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AllocationLine>> GetReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await OpenLinesAsync(connection, null, orderId, cancellationToken);
    }

    /// <summary>
    /// Sets a location's on-hand quantity of a SKU (creating the SKU there). For tests, benchmarks and first setup only:
    /// the inventory issue owns real stock movements.
    /// </summary>
    public Task SetOnHandAsync(string locationId, string sku, int onHand, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var set = Command(connection, transaction, """
                INSERT INTO stock_levels (location_id, sku, on_hand, reserved) VALUES ($location, $sku, $onHand, 0)
                ON CONFLICT (location_id, sku) DO UPDATE SET on_hand = excluded.on_hand
                """);
            set.Parameters.AddWithValue("$location", locationId);
            set.Parameters.AddWithValue("$sku", sku);
            set.Parameters.AddWithValue("$onHand", onHand);
            return await set.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Every stock level with its reserved quantity (for checks and the invariant tests).</summary>
    public async Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT location_id, sku, on_hand, reserved FROM stock_levels ORDER BY location_id, sku";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var levels = new List<(string, string, int, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            levels.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return levels;
    }

    private static async Task<List<AllocationLine>> OpenLinesAsync(SqliteConnection connection, SqliteTransaction? transaction, string orderId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT location_id, sku, quantity - shipped FROM stock_reservations
            WHERE order_id = $order AND released = 0 AND quantity > shipped ORDER BY location_id, sku
            """);
        command.Parameters.AddWithValue("$order", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<AllocationLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new AllocationLine(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return lines;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
