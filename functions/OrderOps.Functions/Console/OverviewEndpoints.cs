using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ids;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Console;

/// <summary>The console's pipeline queries: orders by state and channel with ageing, and search.</summary>
public sealed class OverviewEndpoints(IOrderOverview overview, IOptionsMonitor<PipelineOptions> options, TimeProvider time)
{
    public const int MaxFound = 50;

    /// <summary><c>GET /api/overview/orders</c>: per lifecycle state and channel, how many orders, how many stuck, the oldest's age.</summary>
    [Function("GetOrderOverview")]
    [Tags("Console")]
    [EndpointSummary("Orders by lifecycle state and channel: count, stuck count (OrderOps:Pipeline:StuckAfter) and the oldest's age.")]
    [ProducesResponseType<PipelineView>(StatusCodes.Status200OK)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/overview/orders")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stuckAfter = options.CurrentValue.StuckAfter;
        var counts = await overview.CountByStateAsync(stuckAfter.ToDictionary(s => s.Key, s => now - s.Value, StringComparer.Ordinal), cancellationToken);
        return Results.Ok(new PipelineView(
            now,
            stuckAfter.ToDictionary(s => s.Key, s => (long)s.Value.TotalSeconds, StringComparer.Ordinal),
            counts.Select(c => new StateCountView(c.State, c.Channel, c.Count, c.Stuck, c.OldestModifiedAt, (long)(now - c.OldestModifiedAt).TotalSeconds)).ToList()));
    }

    /// <summary><c>GET /api/overview/search?q=</c>: order ids whose id or channel order id is exactly <c>q</c>.</summary>
    [Function("SearchOrders")]
    [Tags("Console")]
    [EndpointSummary("Find orders by order id or the channel's order id (exact).")]
    [QueryParameter("q", "An order id or a channel order id.")]
    [ProducesResponseType<SearchView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    public async Task<IResult> SearchAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/overview/search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var term = request.Query["q"].FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(term) || IdText.Problem(term) is not null)
        {
            return Problems.BadRequest("The search is not valid.", "q must be an order id or a channel order id.");
        }

        return Results.Ok(new SearchView(await overview.FindAsync(term, MaxFound, cancellationToken)));
    }

    public sealed record PipelineView(DateTimeOffset GeneratedAt, IReadOnlyDictionary<string, long> StuckAfterSeconds, IReadOnlyList<StateCountView> Counts);

    public sealed record StateCountView(string State, string Channel, long Count, long Stuck, DateTimeOffset OldestModifiedAt, long OldestAgeSeconds);

    public sealed record SearchView(IReadOnlyList<string> OrderIds);
}
