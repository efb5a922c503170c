using System.Globalization;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Ingest;

public sealed class IngestFailureEndpoints(IIngestFailureStore failures)
{
    /// <summary><c>GET /api/ingest/failures?channel=&amp;limit=</c>: accepted payloads that did not become orders, newest first.</summary>
    [Function("ListIngestFailures")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/ingest/failures")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var limit = int.TryParse(request.Query["limit"].FirstOrDefault(), CultureInfo.InvariantCulture, out var parsed) ? Math.Clamp(parsed, 1, 1000) : 100;
        var list = await failures.ListAsync(request.Query["channel"].FirstOrDefault(), limit, cancellationToken);
        return Results.Ok(new { failures = list });
    }
}
