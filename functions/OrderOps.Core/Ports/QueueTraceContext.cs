using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Ports;

/// <summary>
/// The W3C trace context (<c>traceparent</c>, <c>tracestate</c>) a queue message carries, so the function that consumes
/// it continues the sender's trace: one trace follows an order from its webhook through the ingest queue into its
/// lifecycle orchestration. Storage queues have no message properties and the Functions host hands a queue trigger the
/// body only, so the context travels as two top-level properties of the JSON body, written by each backend when it
/// stores a message (<see cref="StoredBody"/>) and read by whoever runs the consumer (<see cref="TryExtract"/>): the
/// standalone queue pump, or a worker middleware under the Functions host. Consumers read their own properties and
/// ignore these. Only trace context travels, never baggage: a message body is stored and listed as a dead letter.
/// </summary>
public static class QueueTraceContext
{
    public const string TraceParentProperty = "traceparent";
    public const string TraceStateProperty = "tracestate";

    /// <summary>The current activity's <c>traceparent</c>, or null outside a (W3C) trace.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>The current activity's <c>tracestate</c>, or null.</summary>
    public static string? CurrentTraceState() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceStateString : null;

    /// <summary>
    /// The body to store: <see cref="QueueMessage.Body"/> with the message's trace context as top-level properties, or
    /// the body unchanged when the message has no context or its body is not a JSON object.
    /// </summary>
    public static string StoredBody(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.TraceParent is null || !ActivityContext.TryParse(message.TraceParent, message.TraceState, out _))
        {
            return message.Body;
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(message.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return message.Body;
        }

        if (body is null)
        {
            return message.Body;
        }

        body[TraceParentProperty] = message.TraceParent;
        if (string.IsNullOrEmpty(message.TraceState))
        {
            body.Remove(TraceStateProperty);
        }
        else
        {
            body[TraceStateProperty] = message.TraceState;
        }

        return body.ToJsonString(OrderOpsJson.Options);
    }

    /// <summary>The sender's trace context from a stored body; false when it carries none (or none that parses).</summary>
    public static bool TryExtract(string? body, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrEmpty(body) || body[0] != '{' && !body.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty(TraceParentProperty, out var parent) && parent.ValueKind == JsonValueKind.String
                && ActivityContext.TryParse(
                    parent.GetString(),
                    document.RootElement.TryGetProperty(TraceStateProperty, out var state) && state.ValueKind == JsonValueKind.String ? state.GetString() : null,
                    isRemote: true,
                    out context);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
