using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.DurableTask.Client;
using Microsoft.AspNetCore.Mvc;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Orders;

/// <summary>The key-protected read API over stored orders.</summary>
public sealed class OrderEndpoints(IOrderStore orders)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// <c>GET /api/orders/{orderId}</c>: the canonical order, its status, its lifecycle (allocation, shipments, pending
    /// timers, open exceptions, compensations owed, and the status of its orchestration instance) and its whole history.
    /// </summary>
    [Function("GetOrder")]
    [Tags("Orders")]
    [EndpointSummary("One order: canonical document, lifecycle and history.")]
    [ProducesResponseType<OrderView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orders/{orderId}")] HttpRequest request,
        string orderId,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        if (!RouteIds.TryGet(request, 2, orderId, "orderId", out orderId, out var invalid))
        {
            return invalid!;
        }

        var record = await orders.GetAsync(orderId, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound($"No order '{orderId}'. Order ids look like shopify:example.myshopify.com:450789469.");
        }

        var events = await orders.GetEventsAsync(orderId, cancellationToken);
        var process = ProcessState.Parse(record.ProcessState);
        var lifecycle = new LifecycleView(
            process.State,
            process.Allocation,
            process.ReleasedLocations,
            process.Shipments.Select(s => new ShipmentView(s.ShipmentId, s.LocationId, s.Carrier, s.TrackingNumber, s.TrackingUrl, s.At, s.Lines, s.ChannelNotified)).ToList(),
            process.Timers,
            process.OpenExceptions.Select(Lifecycle.LifecycleEndpoints.ExceptionView.From).ToList(),
            process.Owed,
            await durable.GetLifecycleInstanceAsync(orderId, cancellationToken));
        return Results.Ok(new OrderView(
            record.Order,
            record.Status,
            record.CreatedAt,
            record.ModifiedAt,
            lifecycle,
            events.Select(e => new EventView(e.Sequence, e.Type, e.At, e.Actor, e.Cause, e.Data is null ? null : JsonNode.Parse(e.Data))).ToList()));
    }

    /// <summary>
    /// <c>GET /api/orders?channel=&amp;status=&amp;updatedSince=&amp;continuation=&amp;pageSize=</c>. <c>updatedSince</c>
    /// filters on when OrderOps last changed the order (ingest or lifecycle), so polling it sees every change.
    /// </summary>
    [Function("ListOrders")]
    [Tags("Orders")]
    [EndpointSummary("A page of order summaries.")]
    [QueryParameter("channel", "shopify, amazon or edi.")]
    [QueryParameter("status", "A lifecycle state.")]
    [QueryParameter("updatedSince", "ISO 8601; orders OrderOps changed at or after it.")]
    [QueryParameter("continuation", "The token of the previous page.")]
    [QueryParameter("pageSize", "1 to 200, default 50.", Type = typeof(int))]
    [ProducesResponseType<OrderListView>(StatusCodes.Status200OK)]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orders")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var query = request.Query;
        var errors = new Dictionary<string, string[]>();
        var channel = query["channel"].FirstOrDefault();
        if (channel is not null && !Channels.IsKnown(channel))
        {
            errors["channel"] = [$"must be one of {string.Join(", ", Channels.All)}."];
        }

        DateTimeOffset? since = null;
        if (query["updatedSince"].FirstOrDefault() is { } sinceText)
        {
            if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                since = parsed.ToUniversalTime();
            }
            else
            {
                errors["updatedSince"] = ["must be an ISO 8601 date-time such as 2026-01-31T00:00:00Z."];
            }
        }

        var status = query["status"].FirstOrDefault();
        if (status is not null && !LifecycleStates.All.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"must be one of {string.Join(", ", LifecycleStates.All)}."];
        }

        var pageSize = 50;
        if (query["pageSize"].FirstOrDefault() is { } sizeText && (!int.TryParse(sizeText, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            errors["pageSize"] = [$"must be a whole number from 1 to {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest("The query is not valid.", "See errors for each parameter.", errors);
        }

        OrderPage page;
        try
        {
            page = await orders.ListAsync(
                new OrderQuery { Channel = channel, Status = status, ModifiedSince = since, Continuation = query["continuation"].FirstOrDefault(), PageSize = pageSize },
                cancellationToken);
        }
        catch (FormatException ex)
        {
            return Problems.BadRequest("The continuation token is not valid.", ex.Message);
        }

        return Results.Ok(new OrderListView(page.Orders, page.Continuation));
    }

    public sealed record OrderView(CanonicalOrder Order, string Status, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, LifecycleView Lifecycle, IReadOnlyList<EventView> Events);

    public sealed record LifecycleView(string State, IReadOnlyList<PlannedLine> Allocation, IReadOnlyList<string> ReleasedLocations, IReadOnlyList<ShipmentView> Shipments,
        IReadOnlyList<PendingTimer> PendingTimers, IReadOnlyList<Lifecycle.LifecycleEndpoints.ExceptionView> OpenExceptions, IReadOnlyList<OwedCompensation> CompensationsOwed,
        OrderLifecycleInstance? Instance);

    public sealed record ShipmentView(string ShipmentId, string LocationId, string? Carrier, string? TrackingNumber, string? TrackingUrl, DateTimeOffset At, IReadOnlyList<ShipmentRecordLine> Lines, bool ChannelNotified);

    public sealed record EventView(long Sequence, string Type, DateTimeOffset At, string Actor, string? Cause, JsonNode? Data);

    /// <summary>A page; <c>continuation</c> is always present, null on the last page.</summary>
    public sealed record OrderListView(IReadOnlyList<OrderSummary> Orders, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Continuation);
}
