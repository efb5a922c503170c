using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.AspNetCore.Mvc;
using OrderOps.Functions.OpenApi;
using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Serialization;
using OrderOps.Functions.Http;

namespace OrderOps.Functions.Inventory;

/// <summary>The key-protected inventory API.</summary>
public sealed class InventoryEndpoints(InventoryService inventory, StockArrivalRetry stockArrival)
{
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>
    /// <c>POST /api/inventory/movements</c> with one movement
    /// (<c>{"movementId","sku","location","type":"receipt|allocation|release|shipment|adjustment|return|transfer","quantity","toLocation","orderId","reason"}</c>).
    /// 201 when recorded, 200 when that movement id was recorded before (idempotent), 400 when malformed,
    /// 409 when stock does not allow it or the id was used for a different movement. A recorded movement that adds
    /// stock (receipt, return, transfer, positive adjustment) retries the orders waiting for that SKU, oldest first,
    /// before the answer.
    /// </summary>
    [Function("PostInventoryMovement")]
    [Tags("Inventory")]
    [EndpointSummary("Record one stock movement (idempotent by movement id).")]
    [Consumes(typeof(StockMovement), "application/json")]
    [ProducesResponseType(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    public async Task<IResult> PostMovementAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/inventory/movements")] HttpRequest request,
        [DurableClient] DurableTaskClient lifecycle,
        CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The movement is too large.", $"At most {MaxBodyBytes} bytes.");
        }

        StockMovement? movement;
        try
        {
            movement = JsonSerializer.Deserialize<StockMovement>(body, OrderOpsJson.RequestOptions);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("The body is not a movement.", ex.Message);
        }

        if (movement is null)
        {
            return Problems.BadRequest("The body is not a movement.", "Expected a JSON object.");
        }

        try
        {
            var result = await inventory.RecordMovementAsync(movement with { Sequence = 0 }, cancellationToken);
            if (result.Errors.Count > 0)
            {
                return Problems.BadRequest("The movement is not valid.", "See errors.", new Dictionary<string, string[]> { ["movement"] = [.. result.Errors] });
            }

            if (result.Outcome == MovementOutcome.Recorded && movement.CanBringStock())
            {
                await stockArrival.RetryAsync(lifecycle, [movement.Sku], "movement " + movement.MovementId, cancellationToken);
            }

            var view = new { movementId = movement.MovementId, outcome = result.Outcome };
            return result.Outcome == MovementOutcome.Recorded
                ? Results.Created(RouteIds.Path("/api/inventory/", movement.Sku), view)
                : Results.Ok(view);
        }
        catch (InsufficientStockException ex)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Not enough stock.", ex.Message);
        }
        catch (MovementConflictException ex)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Movement id already used.", ex.Message);
        }
        catch (ReservationMismatchException ex)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "The order does not hold those units.", ex.Message);
        }
        catch (OverflowException)
        {
            // Both ledgers add with checked arithmetic; a balance past int.MaxValue is a refusal, not a server fault.
            return Problems.Status(StatusCodes.Status409Conflict, "The quantity is out of range.", $"Recording {movement.Quantity} would take a balance of '{movement.Sku}' at '{movement.Location}' past {int.MaxValue}; nothing was recorded.");
        }
    }

    /// <summary>
    /// <c>GET /api/inventory/{sku}</c>: on hand, allocated and available per location; per channel the quantity it
    /// should show with how that was computed, what it was last told, and any push on its way (or parked).
    /// </summary>
    [Function("GetInventory")]
    [Tags("Inventory")]
    [EndpointSummary("A SKU per location, and per channel the quantity to publish with its explanation.")]
    [ProducesResponseType<SkuInventoryView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/inventory/{sku}")] HttpRequest request,
        string sku,
        CancellationToken cancellationToken)
    {
        if (!RouteIds.TryGet(request, 2, sku, "sku", out sku, out var invalid))
        {
            return invalid!;
        }

        var view = await inventory.DescribeAsync(sku, cancellationToken);
        return view.Locations.Count == 0
            ? Problems.NotFound($"The ledger has no movement for SKU '{sku}'.")
            : Results.Ok(view);
    }
}
