using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OrderOps.Core.Events;

/// <summary>
/// One business event as it leaves the platform: a CloudEvents 1.0 envelope (structured JSON mode). <see cref="Position"/>
/// orders the events of one <see cref="Subject"/>; every subscriber receives them in that order.
/// </summary>
public sealed record OutboundEvent
{
    public const string SpecVersion = "1.0";

    /// <summary>Deterministic from the natural key (order id + history sequence, or channel + SKU + publication), so a
    /// retried write produces the same id and a receiver or Service Bus duplicate detection drops the repeat.</summary>
    public required string Id { get; init; }

    /// <summary>e.g. <c>orderops.order.released</c>; see <see cref="OutboundEventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The order id or the SKU.</summary>
    public required string Subject { get; init; }

    /// <summary>Fixed-width, ordinal-sortable position within the subject (the order history sequence, or the publication time).</summary>
    public required string Position { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The event's data as a JSON object.</summary>
    public required string Data { get; init; }

    /// <summary>The envelope as sent: <c>specversion, id, source, type, subject, time, datacontenttype, data</c>.</summary>
    public string ToCloudEventJson(string source)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = SpecVersion,
            ["id"] = Id,
            ["source"] = source,
            ["type"] = Type,
            ["subject"] = Subject,
            ["time"] = Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = JsonNode.Parse(Data),
        };
        return envelope.ToJsonString();
    }

    /// <summary>A GUID-shaped id hashed from a natural key (SHA-256, first 16 bytes): stable, 36 characters, fits a Service Bus MessageId.</summary>
    public static string IdFor(string naturalKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(naturalKey), hash);
        return new Guid(hash[..16]).ToString("D");
    }
}
