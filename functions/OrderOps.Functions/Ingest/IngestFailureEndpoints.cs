using Microsoft.AspNetCore.Mvc;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Ingest;

public sealed class IngestFailureEndpoints(IIngestFailureStore failures)
{
    /// <summary><c>GET /api/ingest/failures?channel=&amp;limit=</c>: accepted payloads that did not become orders, newest first.</summary>
    [Function("ListIngestFailures")]
    [Tags("Ingest")]
    [EndpointSummary("Accepted payloads that did not become orders, newest first.")]
    [QueryParameter("channel", "Only this channel's failures.")]
    [QueryParameter("limit", "1 to 1000, default 100.", Type = typeof(int))]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/ingest/failures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var limit = ListLimit.From(request);
        var list = await failures.ListAsync(request.Query["channel"].FirstOrDefault(), limit, cancellationToken);
        return Results.Ok(new { failures = list });
    }
}
