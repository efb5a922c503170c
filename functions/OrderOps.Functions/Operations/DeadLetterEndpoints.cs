using Microsoft.AspNetCore.Mvc;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Operations;

public sealed class DeadLetterEndpoints(IQueueReceiver receiver)
{
    private static readonly string[] KnownQueues = [QueueNames.Ingest, QueueNames.InventoryChanges, QueueNames.OutboundEvents];

    /// <summary>
    /// <c>GET /api/queues/{queueName}/deadletters?limit=</c>: messages that failed every delivery (the embedded dead-letter
    /// store, or the Storage queue's <c>-poison</c> queue), each with its last error. 404 for a queue that does not exist.
    /// </summary>
    [Function("ListDeadLetters")]
    [Tags("Operations")]
    [EndpointSummary("Messages that failed every delivery, with their last error.")]
    [QueryParameter("limit", "1 to 1000, default 100.", Type = typeof(int))]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/queues/{queueName}/deadletters")] HttpRequest request,
        string queueName,
        CancellationToken cancellationToken)
    {
        if (!KnownQueues.Contains(queueName, StringComparer.Ordinal))
        {
            return Problems.NotFound($"No queue '{queueName}'. The queues are {string.Join(", ", KnownQueues)}.");
        }

        var limit = ListLimit.From(request);
        return Results.Ok(new { deadLetters = await receiver.ListDeadLettersAsync(queueName, limit, cancellationToken) });
    }
}
