using System.Globalization;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;

namespace OrderOps.Functions.Operations;

public static class DeadLetterEndpoints
{
    /// <summary>
    /// <c>GET /api/queues/{queueName}/deadletters</c>: messages that failed every delivery, with their last error.
    /// Only the embedded backend keeps them here; on Azure they are in the Service Bus dead-letter sub-queue.
    /// </summary>
    public static async Task<IResult> ListAsync(string queueName, HttpRequest request, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IQueueReceiver>() is not { } receiver)
        {
            return Problems.NotFound("This backend keeps dead letters in Service Bus's dead-letter sub-queue.");
        }

        var limit = int.TryParse(request.Query["limit"].FirstOrDefault(), CultureInfo.InvariantCulture, out var parsed) ? Math.Clamp(parsed, 1, 1000) : 100;
        return Results.Ok(new { deadLetters = await receiver.ListDeadLettersAsync(queueName, limit, cancellationToken) });
    }
}
