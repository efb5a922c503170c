using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Archive;

/// <summary>
/// The raw archive as block blobs in container <c>raw</c>: blob name = payload id, body byte for byte, content type
/// as the blob's, everything else as metadata. Uploads carry <c>If-None-Match: *</c>, so the first copy is kept and a
/// redelivery's upload is refused by the service (409/412), which is success here.
/// </summary>
public sealed class BlobRawArchive(BlobContainerClient container) : IRawArchive
{
    public Task ArchiveAsync(RawPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return UploadAsync(payload, BinaryData.FromBytes(payload.Body).ToStream(), cancellationToken);
    }

    public Task ArchiveAsync(RawPayload payload, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(body);
        return UploadAsync(payload, body, cancellationToken);
    }

    public async Task<ArchivedBody?> OpenAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var blob = container.GetBlobClient(id);
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            // Read as consumed, in ranged GETs of this version (If-Match), never buffered whole.
            var body = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
            return new ArchivedBody(FromBlob(id, properties.Value.Metadata, properties.Value.ContentType, ReadOnlyMemory<byte>.Empty), body);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Uploads in blocks as the stream is read (the SDK's chunked upload), so memory stays at its buffers.</summary>
    private async Task UploadAsync(RawPayload payload, Stream body, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["channel"] = Ascii(payload.Channel),
            ["kind"] = Ascii(payload.Kind),
            ["receivedat"] = payload.ReceivedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            // Header names are not valid metadata names and values may be non-ASCII: one base64url JSON value.
            ["headers"] = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload.Headers)),
        };
        if (payload.Account is not null)
        {
            metadata["account"] = Ascii(payload.Account);
        }

        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = payload.ContentType },
            Metadata = metadata,
        };
        try
        {
            await container.GetBlobClient(payload.Id).UploadAsync(body, options, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Already archived: the first copy stays.
        }
    }

    public async Task<RawPayload?> GetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var download = await container.GetBlobClient(id).DownloadContentAsync(cancellationToken);
            var details = download.Value.Details;
            return FromBlob(id, details.Metadata, details.ContentType, download.Value.Content.ToMemory());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static RawPayload FromBlob(string id, IDictionary<string, string> metadata, string? contentType, ReadOnlyMemory<byte> body) => new()
    {
        Id = id,
        Channel = FromAscii(metadata["channel"]),
        Account = metadata.TryGetValue("account", out var account) ? FromAscii(account) : null,
        Kind = FromAscii(metadata["kind"]),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(metadata["receivedat"], CultureInfo.InvariantCulture)),
        ContentType = string.IsNullOrEmpty(contentType) ? null : contentType,
        Headers = metadata.TryGetValue("headers", out var headers)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.DecodeFromChars(headers)) ?? []
            : [],
        Body = body,
    };

    /// <summary>Metadata values must be ASCII; non-ASCII values (rare: an account name) are stored base64url with a prefix.</summary>
    private static string Ascii(string value) =>
        value.All(c => c is >= ' ' and <= '~') && !value.StartsWith("b64:", StringComparison.Ordinal)
            ? value
            : "b64:" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    private static string FromAscii(string value) =>
        value.StartsWith("b64:", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value.AsSpan(4))) : value;
}
