using System.Globalization;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations;

public sealed class DeadLetterEndpoints(IQueueReceiver receiver)
{
    /// <summary>
    /// <c>GET /api/queues/{queueName}/deadletters</c>: messages that failed every delivery (the poison queue), with
    /// their last error.
    /// </summary>
    [Function("ListDeadLetters")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/queues/{queueName}/deadletters")] HttpRequest request,
        string queueName,
        CancellationToken cancellationToken)
    {
        var limit = int.TryParse(request.Query["limit"].FirstOrDefault(), CultureInfo.InvariantCulture, out var parsed) ? Math.Clamp(parsed, 1, 1000) : 100;
        return Results.Ok(new { deadLetters = await receiver.ListDeadLettersAsync(queueName, limit, cancellationToken) });
    }
}
