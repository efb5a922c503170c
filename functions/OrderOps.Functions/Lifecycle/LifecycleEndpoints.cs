using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Fulfillment;
using OrderOps.Core.Ids;
using Microsoft.DurableTask.Client;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Lifecycle;

/// <summary>Fulfillment events in, the exception queue, and operator actions. Thin: parse, call the core, answer.</summary>
public sealed class LifecycleEndpoints(
    ILifecycleExceptionStore exceptions,
    IOrderStore orders,
    IOptionsMonitor<FulfillmentOptions> fulfillment)
{
    public const string OperatorHeader = "X-OrderOps-Operator";
    private const int MaxBodyBytes = 256 * 1024;

    /// <summary>How long an operator action waits for the order's orchestration to apply it before answering 202.</summary>
    public static readonly TimeSpan OutcomeWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>POST /api/fulfillment/events</c>: a location reports <c>acknowledged</c>, <c>shipped</c> (carrier, tracking number,
    /// lines), <c>delivered</c> or <c>returned</c>. Raised durably to the order's orchestration, answered 202.
    /// </summary>
    [Function("FulfillmentEvents")]
    [Tags("Lifecycle")]
    [EndpointSummary("A fulfillment location reports acknowledged, shipped, delivered or returned.")]
    [Consumes(typeof(FulfillmentEventRequest), "application/json")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    [ProblemResponse(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> FulfillmentEventAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/fulfillment/events")] HttpRequest request,
        [DurableClient] DurableTaskClient lifecycle,
        CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.", "Fulfillment events are limited to 256 KB.");
        }

        FulfillmentEventRequest? input;
        try
        {
            input = JsonSerializer.Deserialize<FulfillmentEventRequest>(body, OrderOpsJson.RequestOptions);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("The body is not valid JSON.", ex.Message);
        }

        var errors = new Dictionary<string, string[]>();
        var type = input?.Type switch
        {
            "acknowledged" => LifecycleMessageTypes.FulfillmentAcknowledged,
            "shipped" => LifecycleMessageTypes.Shipped,
            "delivered" => LifecycleMessageTypes.Delivered,
            "returned" => LifecycleMessageTypes.Returned,
            _ => null,
        };
        if (type is null)
        {
            errors["type"] = ["must be acknowledged, shipped, delivered or returned."];
        }

        IdText.Check(input?.OrderId, "orderId", errors);
        IdText.Check(input?.LocationId, "locationId", errors);
        if (input?.EventId is not null)
        {
            IdText.Check(input.EventId, "eventId", errors);
        }

        if (type == LifecycleMessageTypes.Shipped)
        {
            IdText.Check(input?.ShipmentId, "shipmentId", errors);
            if (input?.Lines is not { Count: > 0 } lines || lines.Any(l => l.Quantity <= 0 || (string.IsNullOrWhiteSpace(l.LineId) && string.IsNullOrWhiteSpace(l.Sku))))
            {
                errors["lines"] = ["shipped needs lines, each with lineId or sku and a positive quantity."];
            }
            else
            {
                for (var i = 0; i < lines.Count; i++)
                {
                    foreach (var (value, name) in new[] { (lines[i].LineId, "lineId"), (lines[i].Sku, "sku") })
                    {
                        if (value is not null)
                        {
                            IdText.Check(value, $"lines[{i}].{name}", errors);
                        }
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest("The fulfillment event is not valid.", "See errors for each field.", errors);
        }

        // Nothing accepted here may be dropped later: an order or a location we do not know is refused now.
        if (await orders.GetAsync(input!.OrderId!, cancellationToken) is null)
        {
            return Problems.NotFound($"No order '{input.OrderId}'; the event was not accepted.");
        }

        if (!fulfillment.CurrentValue.Locations.ContainsKey(input.LocationId!))
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "The location is not configured.", $"'{input.LocationId}' is not under Fulfillment:Locations; the event was not accepted.");
        }

        var eventId = input.EventId is { } given ? given : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(body));
        var message = new LifecycleMessage
        {
            Type = type!,
            OrderId = input.OrderId!,
            Key = $"fulfillment:{input.LocationId}:{eventId}",
            Actor = "location:" + input.LocationId,
            Cause = $"fulfillment event {eventId}",
            LocationId = input.LocationId,
            Shipment = type == LifecycleMessageTypes.Shipped
                ? new FulfillmentShipment(input.ShipmentId!, input.Carrier, input.TrackingNumber, input.TrackingUrl, input.Lines!.Select(l => new FulfillmentShipmentLine(l.LineId, l.Sku, l.Quantity)).ToList())
                : null,
        };
        await lifecycle.SignalAsync(message, cancellationToken);
        return Results.Accepted(value: new { status = "accepted", eventId });
    }

    /// <summary><c>GET /api/exceptions?status=open|all&amp;channel=&amp;limit=</c>: the exception queue, newest first.</summary>
    [Function("ListExceptions")]
    [Tags("Lifecycle")]
    [EndpointSummary("The exception queue, newest first.")]
    [QueryParameter("status", "open (default) or all.")]
    [QueryParameter("channel", "Only this channel's exceptions.")]
    [QueryParameter("limit", "1 to 1000, default 100.", Type = typeof(int))]
    [ProducesResponseType<ExceptionListView>(StatusCodes.Status200OK)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListExceptionsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/exceptions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var status = request.Query["status"].FirstOrDefault() ?? "open";
        if (status is not ("open" or "all"))
        {
            return Problems.BadRequest("The query is not valid.", "status must be open or all.");
        }

        var limit = ListLimit.From(request);
        var list = await exceptions.ListAsync(status == "open", request.Query["channel"].FirstOrDefault(), limit, cancellationToken);
        return Results.Ok(new ExceptionListView(list.Select(ExceptionView.From).ToList()));
    }

    /// <summary>
    /// <c>POST /api/exceptions/{exceptionId}/resolve</c> with <c>{"resolution":"retry"|"cancel"|"override","reason":"..."}</c>;
    /// the operator's name in <c>X-OrderOps-Operator</c>. Checked against the order now (404/409 when it cannot apply),
    /// then applied by the order's orchestration; answers the order's new state, or 202 if that takes longer than
    /// <see cref="OutcomeWait"/>.
    /// </summary>
    [Function("ResolveException")]
    [Tags("Lifecycle")]
    [EndpointSummary("Resolve an exception: retry, cancel or override; the operator named in X-OrderOps-Operator.")]
    [Consumes(typeof(ResolveRequest), "application/json")]
    [ProducesResponseType<LifecycleOutcomeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<IResult> ResolveExceptionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/exceptions/{exceptionId}/resolve")] HttpRequest request,
        string exceptionId,
        [DurableClient] DurableTaskClient lifecycle,
        CancellationToken cancellationToken)
    {
        if (!RouteIds.TryGet(request, 2, exceptionId, "exceptionId", out exceptionId, out var invalid))
        {
            return invalid!;
        }

        var existing = await exceptions.GetAsync(exceptionId, cancellationToken);
        if (existing is null)
        {
            return Problems.NotFound($"No exception '{exceptionId}'.");
        }

        var input = await ReadJsonAsync<ResolveRequest>(request, cancellationToken);
        if (input is null || !Resolutions.IsKnown(input.Resolution))
        {
            return Problems.BadRequest("The resolution is not valid.", "Send {\"resolution\": \"retry\" | \"cancel\" | \"override\", \"reason\": \"...\"}.");
        }

        var record = await orders.GetAsync(existing.OrderId, cancellationToken);
        if (record is not null && LifecycleDecider.CheckResolution(ProcessState.Parse(record.ProcessState), exceptionId, input.Resolution, input.Reason) is { } refused)
        {
            return refused.NotFound ? Problems.NotFound(refused.Problem) : Problems.Status(StatusCodes.Status409Conflict, "The request cannot be applied.", refused.Problem);
        }

        var actor = Operator(request);
        return await RunAsync(lifecycle, new LifecycleMessage
        {
            Type = LifecycleMessageTypes.Resolve,
            OrderId = existing.OrderId,
            Key = $"resolve:{exceptionId}:{input.Resolution}",
            Actor = actor,
            Cause = "POST " + RouteIds.Path("/api/exceptions/", exceptionId, "/resolve"),
            ExceptionId = exceptionId,
            Resolution = input.Resolution,
            Reason = input.Reason,
        }, cancellationToken);
    }

    /// <summary>
    /// <c>POST /api/orders/{orderId}/cancel</c> with <c>{"reason":"..."}</c> (or no body): an operator cancels; the
    /// order's orchestration runs the compensations. <c>applied: false</c> with a note when there was nothing to cancel.
    /// </summary>
    [Function("CancelOrder")]
    [Tags("Lifecycle")]
    [EndpointSummary("An operator cancels an order; compensations run now.")]
    [Consumes(typeof(CancelRequest), "application/json", IsOptional = true)]
    [ProducesResponseType<LifecycleOutcomeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    public async Task<IResult> CancelOrderAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/orders/{orderId}/cancel")] HttpRequest request,
        string orderId,
        [DurableClient] DurableTaskClient lifecycle,
        CancellationToken cancellationToken)
    {
        if (!RouteIds.TryGet(request, 2, orderId, "orderId", out orderId, out var invalid))
        {
            return invalid!;
        }

        if (await orders.GetAsync(orderId, cancellationToken) is null)
        {
            return Problems.NotFound($"No order '{orderId}'.");
        }

        var (readable, input) = await ReadOptionalJsonAsync<CancelRequest>(request, cancellationToken);
        if (!readable)
        {
            return Problems.BadRequest("The body is not valid.", "Send {\"reason\": \"...\"} or no body at all; nothing was changed.");
        }

        var actor = Operator(request);
        return await RunAsync(lifecycle, new LifecycleMessage
        {
            Type = LifecycleMessageTypes.Cancel,
            OrderId = orderId,
            Key = "operator-cancel:" + (request.Headers["Idempotency-Key"].FirstOrDefault() ?? Guid.NewGuid().ToString("N")),
            Actor = actor,
            Cause = "POST " + RouteIds.Path("/api/orders/", orderId, "/cancel"),
            Reason = input?.Reason is { Length: > 0 } reason ? reason : $"cancelled by {actor}",
        }, cancellationToken);
    }

    /// <summary>Hands the message to the order's orchestration and answers what it did, or 202 while it is still on its way.</summary>
    private static async Task<IResult> RunAsync(DurableTaskClient lifecycle, LifecycleMessage message, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.SignalAndWaitAsync(message, OutcomeWait, cancellationToken);
        return outcome is null
            ? Results.Accepted(RouteIds.Path("/api/orders/", message.OrderId, string.Empty), new { orderId = message.OrderId, status = "accepted", note = "Accepted; the order's lifecycle applies it shortly." })
            : Results.Ok(new LifecycleOutcomeView(outcome.OrderId, outcome.State, outcome.Applied, outcome.Note));
    }

    private static string Operator(HttpRequest request) =>
        "operator:" + (request.Headers[OperatorHeader].FirstOrDefault() is { Length: > 0 and <= 100 } name ? name : "api");

    /// <summary>An optional JSON body: (true, null) when there is none, (false, null) when there is one that is not a <typeparamref name="T"/>.</summary>
    private static async Task<(bool Readable, T? Value)> ReadOptionalJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is { Length: 0 })
        {
            return (true, null);
        }

        try
        {
            return body is null ? (false, null) : (true, JsonSerializer.Deserialize<T>(body, OrderOpsJson.Options) ?? throw new JsonException("null"));
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null || body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(Encoding.UTF8.GetString(body), OrderOpsJson.RequestOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public sealed record FulfillmentEventRequest(string? EventId, string? Type, string? OrderId, string? LocationId, string? ShipmentId, string? Carrier, string? TrackingNumber, string? TrackingUrl, IReadOnlyList<FulfillmentEventLine>? Lines);

    public sealed record FulfillmentEventLine(string? LineId, string? Sku, int Quantity);

    public sealed record ResolveRequest(string? Resolution, string? Reason);

    public sealed record CancelRequest(string? Reason);

    public sealed record ExceptionListView(IReadOnlyList<ExceptionView> Exceptions);

    /// <summary>What an operator action did: the order's state after it, whether it changed anything, and why not.</summary>
    public sealed record LifecycleOutcomeView(string OrderId, string State, bool Applied, string? Note);

    public sealed record ExceptionView(string ExceptionId, string OrderId, string Channel, string Kind, string Description, string State, IReadOnlyList<string> Options,
        string RecommendedAction, DateTimeOffset RaisedAt, JsonElement? Context, string Status, DateTimeOffset? ResolvedAt, string? Resolution, string? ResolvedBy, string? ResolutionReason)
    {
        public static ExceptionView From(LifecycleException e) => new(e.ExceptionId, e.OrderId, e.Channel, e.Kind, e.Description, e.State, e.Options, e.RecommendedAction, e.RaisedAt,
            e.Context is null ? null : JsonDocument.Parse(e.Context).RootElement.Clone(), e.IsOpen ? "open" : "resolved", e.ResolvedAt, e.Resolution, e.ResolvedBy, e.ResolutionReason);
    }
}
