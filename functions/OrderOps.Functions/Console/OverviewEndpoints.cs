using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ids;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Console;

/// <summary>The console's pipeline queries: orders by state and channel with ageing, and search.</summary>
public sealed class OverviewEndpoints(IOrderOverview overview, IOptionsMonitor<PipelineOptions> options, TimeProvider time)
{
    public const int MaxFound = 50;

    public const int MaxSearchBytes = 4 * 1024;

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

    /// <summary>
    /// <c>GET /api/overview/search?q=</c>: orders whose id, channel order id or a line's SKU is exactly <c>q</c>. An e-mail
    /// is refused here: a URL reaches request logs, so e-mails travel in the body of <see cref="SearchByBodyAsync"/>.
    /// </summary>
    [Function("SearchOrders")]
    [Tags("Console")]
    [EndpointSummary("Find orders by order id, the channel's order id or a SKU (exact; e-mails: POST, to keep them out of URLs).")]
    [QueryParameter("q", "An order id, a channel order id or a SKU.")]
    [ProducesResponseType<SearchView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    public async Task<IResult> SearchAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/overview/search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var term = request.Query["q"].FirstOrDefault()?.Trim();
        if (term?.Contains('@', StringComparison.Ordinal) == true)
        {
            return Problems.BadRequest("Search e-mails with POST.", "An e-mail address is personal data and a URL reaches request logs: POST {\"q\": \"…\"} to /api/overview/search instead.");
        }

        return await FindAsync(term, cancellationToken);
    }

    /// <summary><c>POST /api/overview/search</c> with <c>{"q": "…"}</c>: the same search, and by customer e-mail (any case).</summary>
    [Function("SearchOrdersByBody")]
    [Tags("Console")]
    [EndpointSummary("Find orders by order id, the channel's order id, a SKU or the customer's e-mail (exact, e-mail in any case), newest first.")]
    [Consumes(typeof(SearchRequest), "application/json")]
    [ProducesResponseType<SearchView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    public async Task<IResult> SearchByBodyAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/overview/search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxSearchBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The search is too large.", $"At most {MaxSearchBytes} bytes.");
        }

        SearchRequest? search;
        try
        {
            search = JsonSerializer.Deserialize<SearchRequest>(body, OrderOpsJson.RequestOptions);
        }
        catch (JsonException)
        {
            // Not echoed: the body may hold an e-mail address.
            search = null;
        }

        return await FindAsync(search?.Q?.Trim(), cancellationToken);
    }

    /// <summary>Ids and channel order numbers first, then the term's <see cref="OrderSearchKeys"/> (newest first), at most <see cref="MaxFound"/>.</summary>
    private async Task<IResult> FindAsync(string? term, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(term) || IdText.Problem(term) is not null)
        {
            return Problems.BadRequest("The search is not valid.", "q must be an order id, a channel order id, a SKU or an e-mail address.");
        }

        var found = new List<string>(await overview.FindAsync(term, MaxFound, cancellationToken));
        foreach (var key in OrderSearchKeys.ForTerm(term))
        {
            if (found.Count >= MaxFound)
            {
                break;
            }

            var more = await overview.FindByKeyAsync(key, MaxFound, cancellationToken);
            found.AddRange(more.Except(found, StringComparer.Ordinal).ToList());
        }

        return Results.Ok(new SearchView(found.Take(MaxFound).ToList()));
    }

    public sealed record SearchRequest(string? Q);

    public sealed record PipelineView(DateTimeOffset GeneratedAt, IReadOnlyDictionary<string, long> StuckAfterSeconds, IReadOnlyList<StateCountView> Counts);

    public sealed record StateCountView(string State, string Channel, long Count, long Stuck, DateTimeOffset OldestModifiedAt, long OldestAgeSeconds);

    public sealed record SearchView(IReadOnlyList<string> OrderIds);
}
