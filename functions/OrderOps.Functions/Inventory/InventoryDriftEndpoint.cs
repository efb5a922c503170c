using Microsoft.AspNetCore.Mvc;
using OrderOps.Core.Inventory;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Inventory;

/// <summary>The console's drift list: SKUs whose channel shows another quantity than the ledger says it should.</summary>
public sealed class InventoryDriftEndpoint(InventoryDrift drift)
{
    public const int MaxSkusPerChannel = 200;

    /// <summary>
    /// <c>GET /api/overview/inventory-drift</c>: per enabled channel, how many SKUs drift and the first
    /// <see cref="MaxSkusPerChannel"/> in SKU order, each with what the channel was told, what the ledger says now (with its
    /// explanation), since when it drifts (when known) and the push on its way. Reads every SKU of the ledger.
    /// </summary>
    [Function("GetInventoryDrift")]
    [Tags("Inventory")]
    [EndpointSummary("SKUs whose last published quantity differs from what the ledger says each channel should show now.")]
    [ProducesResponseType<DriftView>(StatusCodes.Status200OK)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/overview/inventory-drift")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Results.Ok(new DriftView(await drift.FindAsync(MaxSkusPerChannel, cancellationToken)));

    public sealed record DriftView(IReadOnlyList<ChannelDrift> Channels);
}
