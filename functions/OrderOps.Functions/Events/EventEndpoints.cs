using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using OrderOps.Adapters.Events;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Events;

/// <summary>Operators' view of the event subscribers: their state, what is parked, replay, and claim-checked bodies.</summary>
public sealed class EventEndpoints(EventSubscriptions subscriptions, IEventOutbox outbox, IMessageQueue queue, IOutboundDocuments documents, TimeProvider time)
{
    /// <summary><c>GET /api/events/subscribers</c>: every configured subscriber, disabled or not, with its parked count.</summary>
    [Function("ListEventSubscribers")]
    [Tags("Events")]
    [EndpointSummary("Every configured event subscriber with its parked count.")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public async Task<IResult> ListSubscribersAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/events/subscribers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var list = new List<object>();
        foreach (var name in subscriptions.Subscribers.Order(StringComparer.Ordinal))
        {
            var status = await outbox.GetSubscriberAsync(name, cancellationToken);
            var parked = await outbox.ListAsync(name, parkedOnly: true, 1000, cancellationToken);
            list.Add(new { name, disabled = status?.Disabled ?? false, reason = status?.Reason, since = status?.At, parked = parked.Count });
        }

        return Results.Ok(new { subscribers = list });
    }

    /// <summary><c>GET /api/events/subscribers/{name}/parked?limit=</c>: deliveries parked after too many failures (and, with
    /// <c>all=true</c>, every pending delivery), by subject and position; the events of a subject wait behind its parked one.</summary>
    [Function("ListParkedEvents")]
    [Tags("Events")]
    [EndpointSummary("Deliveries parked after too many failures.")]
    [QueryParameter("limit", "1 to 1000, default 100.", Type = typeof(int))]
    [QueryParameter("all", "true lists every pending delivery, not only parked ones.")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> ListParkedAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/events/subscribers/{name}/parked")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        if (!subscriptions.IsKnown(name))
        {
            return UnknownSubscriber(name);
        }

        var limit = ListLimit.From(request);
        var all = string.Equals(request.Query["all"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        var deliveries = await outbox.ListAsync(name, parkedOnly: !all, limit, cancellationToken);
        return Results.Ok(new
        {
            deliveries = deliveries.Select(d => new
            {
                id = d.Event.Id, type = d.Event.Type, subject = d.Event.Subject, time = d.Event.Time, committedAt = d.CommittedAt,
                attempts = d.Attempts, parked = d.Parked, nextAttemptAt = d.Parked ? (DateTimeOffset?)null : d.DueAt, lastError = d.LastError,
            }),
        });
    }

    /// <summary><c>POST /api/events/subscribers/{name}/replay</c>: re-enables a disabled subscriber and sends its parked
    /// deliveries again, in order; answers how many were parked.</summary>
    [Function("ReplayParkedEvents")]
    [Tags("Events")]
    [EndpointSummary("Re-enable a subscriber and send its parked deliveries again.")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/events/subscribers/{name}/replay")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        if (!subscriptions.IsKnown(name))
        {
            return UnknownSubscriber(name);
        }

        var now = time.GetUtcNow();
        var wasDisabled = (await outbox.GetSubscriberAsync(name, cancellationToken))?.Disabled ?? false;
        await outbox.SetSubscriberAsync(new SubscriberStatus(name, false, null, now), cancellationToken);
        var replayed = await outbox.ReplayAsync(name, now, cancellationToken);
        await queue.SendAsync(QueueNames.OutboundEvents, new QueueMessage { MessageId = "replay:" + name + ":" + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), Body = "{}" }, cancellationToken);
        return Results.Ok(new { subscriber = name, replayed, reenabled = wasDisabled });
    }

    /// <summary><c>GET /api/events/bodies/{id}</c>: the full envelope of an event sent as a claim check (its <c>dataref</c>).</summary>
    [Function("GetEventBody")]
    [Tags("Events")]
    [EndpointSummary("The full envelope of a claim-checked event.")]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "application/cloudevents+json")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetBodyAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/events/bodies/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "D", out _))
        {
            return Problems.NotFound($"No event body '{id}'.");
        }

        var body = await documents.ReadAsync(ClaimCheck.Container, ClaimCheck.DocumentName(id), cancellationToken);
        return body is null ? Problems.NotFound($"No event body '{id}'.") : Results.Text(body, "application/cloudevents+json");
    }

    private IResult UnknownSubscriber(string name) =>
        Problems.NotFound($"No event subscriber '{name}'. The subscribers are: {string.Join(", ", subscriptions.Subscribers.Order(StringComparer.Ordinal))}.");
}
