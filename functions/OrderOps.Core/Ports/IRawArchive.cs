namespace OrderOps.Core.Ports;

/// <summary>
/// Every inbound payload exactly as it arrived, kept before anything else happens to it, so nothing that was
/// acknowledged can be lost and any ingest can be replayed.
/// </summary>
public interface IRawArchive
{
    /// <summary>Stores the payload under its id; storing the same id again keeps the first copy.</summary>
    Task ArchiveAsync(RawPayload payload, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a payload whose body is read from <paramref name="body"/> (seekable, from its current position to its end)
    /// as it is written, so a file of any size costs a buffer, not its size in memory. <see cref="RawPayload.Body"/> is
    /// ignored. Storing the same id again keeps the first copy.
    /// </summary>
    Task ArchiveAsync(RawPayload payload, Stream body, CancellationToken cancellationToken);

    /// <summary>Loads the payload with its whole body; for payloads known to be small (webhooks, API pages).</summary>
    Task<RawPayload?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The payload's details (with an empty <see cref="RawPayload.Body"/>) and its body as a stream read from storage as
    /// it is consumed, for payloads of any size; null when no payload has that id.
    /// </summary>
    Task<ArchivedBody?> OpenAsync(string id, CancellationToken cancellationToken);
}

/// <summary>An archived payload's details and its body, streamed. Disposing closes the stream.</summary>
public sealed class ArchivedBody(RawPayload payload, Stream body) : IAsyncDisposable
{
    public RawPayload Payload { get; } = payload;

    public Stream Body { get; } = body;

    public ValueTask DisposeAsync() => Body.DisposeAsync();
}

/// <summary>An inbound payload with the transport details needed to replay it.</summary>
public sealed record RawPayload
{
    /// <summary>Deterministic where the channel gives a delivery id, e.g. "shopify:{shop}:{webhookId}".</summary>
    public required string Id { get; init; }

    public required string Channel { get; init; }

    /// <summary>The channel account the payload came from, when known before parsing.</summary>
    public string? Account { get; init; }

    /// <summary>What the payload is: a Shopify topic, "getOrders", "x12"...</summary>
    public required string Kind { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Transport headers worth keeping (never secrets).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public required ReadOnlyMemory<byte> Body { get; init; }
}
