using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events;

/// <summary>
/// Envelopes bigger than Service Bus's 256 KB message limit are never dropped: the full envelope is archived in the
/// outbound documents (<c>event-bodies/{id}.json</c>, a blob container on Azure) and a small envelope goes instead,
/// without <c>data</c> and with the CloudEvents <c>dataref</c> extension naming the archived body (also served at
/// <c>GET /api/events/bodies/{id}</c>).
/// </summary>
public sealed class ClaimCheck(IOutboundDocuments documents, EventDeliveryOptions options)
{
    public const string Container = "event-bodies";

    /// <summary>Service Bus Standard's limit for a whole message; the envelope alone must stay under it.</summary>
    public const int MaxInlineBytes = 256 * 1024;

    public static string DocumentName(string eventId) => eventId + ".json";

    /// <summary>The bytes to send: the envelope, or its claim-check stand-in when it is larger than <paramref name="maxBytes"/>.</summary>
    public async Task<(byte[] Body, bool Claimed)> EnvelopeAsync(OutboundEvent e, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var json = e.ToCloudEventJson(options.Source);
        var body = Encoding.UTF8.GetBytes(json);
        if (body.Length <= maxBytes)
        {
            return (body, false);
        }

        // Same id, same content: a repeated delivery finds the body already there.
        await documents.CreateIfAbsentAsync(Container, DocumentName(e.Id), json, cancellationToken);
        var reference = JsonNode.Parse(json)!.AsObject();
        reference.Remove("data");
        reference["dataref"] = $"{Container}/{DocumentName(e.Id)}";
        return (Encoding.UTF8.GetBytes(reference.ToJsonString()), true);
    }
}
