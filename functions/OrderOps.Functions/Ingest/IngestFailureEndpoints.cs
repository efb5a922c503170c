using OrderOps.Core.Ports;
using OrderOps.Functions.Http;

namespace OrderOps.Functions.Ingest;

public sealed class IngestFailureEndpoints(IIngestFailureStore failures)
{
    /// <summary><c>GET /api/ingest/failures?channel=&amp;limit=</c>: accepted payloads that did not become orders, newest first.</summary>
    [Function("ListIngestFailures")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/ingest/failures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var limit = ListLimit.From(request);
        var list = await failures.ListAsync(request.Query["channel"].FirstOrDefault(), limit, cancellationToken);
        return Results.Ok(new { failures = list });
    }
}
