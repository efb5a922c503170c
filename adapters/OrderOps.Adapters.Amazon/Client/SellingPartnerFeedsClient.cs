using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// The Feeds API 2021-06-30 protocol: <c>createFeedDocument</c> (a document id and a presigned upload URL),
/// an upload of the content to that URL, <c>createFeed</c> (a feed id), then <c>getFeed</c> until its
/// <c>processingStatus</c> is final and <c>getFeedDocument</c> + download for the processing report. SP-API calls go
/// through the adapter's authenticated, rate-limited handler chain; the presigned URLs are plain HTTPS (they carry
/// their own signature, so no access token is sent to them) on a client with its own retries.
/// </summary>
public sealed class SellingPartnerFeedsClient
{
    /// <summary>The <see cref="HttpClient"/> for presigned document URLs (upload and download).</summary>
    public const string DocumentsHttpClientName = "OrderOps.Amazon.FeedDocuments";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<AmazonOptions> _options;

    public SellingPartnerFeedsClient(IHttpClientFactory httpClientFactory, IOptionsMonitor<AmazonOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
    }

    /// <summary>Creates a document, uploads <paramref name="content"/> to it and submits it as a feed; the feed id.</summary>
    /// <param name="contentType">Sent to createFeedDocument and, unchanged, as the upload's Content-Type (Amazon requires both to match).</param>
    /// <exception cref="SellingPartnerApiException">An SP-API call failed.</exception>
    /// <exception cref="HttpRequestException">The upload failed.</exception>
    public async Task<string> SubmitFeedAsync(
        string sellerId, string feedType, IReadOnlyList<string> marketplaceIds, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(feedType);
        ArgumentNullException.ThrowIfNull(content);
        var document = await SendAsync(sellerId, SpApiOperations.CreateFeedDocument, HttpMethod.Post, "feeds/2021-06-30/documents",
            new JsonObject { ["contentType"] = contentType }, cancellationToken);
        var documentId = RequiredText(document, "feedDocumentId", SpApiOperations.CreateFeedDocument);
        var uploadUrl = new Uri(RequiredText(document, "url", SpApiOperations.CreateFeedDocument));

        using (var upload = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(content) })
        {
            upload.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var uploaded = await _httpClientFactory.CreateClient(DocumentsHttpClientName).SendAsync(upload, cancellationToken);
            if (!uploaded.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Uploading feed document {documentId} answered {(int)uploaded.StatusCode}.", null, uploaded.StatusCode);
            }
        }

        var feed = await SendAsync(sellerId, SpApiOperations.CreateFeed, HttpMethod.Post, "feeds/2021-06-30/feeds", new JsonObject
        {
            ["feedType"] = feedType,
            ["marketplaceIds"] = new JsonArray(marketplaceIds.Select(m => (JsonNode)m).ToArray()),
            ["inputFeedDocumentId"] = documentId,
        }, cancellationToken);
        return RequiredText(feed, "feedId", SpApiOperations.CreateFeed);
    }

    /// <summary>The feed's <c>processingStatus</c> and, once DONE, its <c>resultFeedDocumentId</c>.</summary>
    public async Task<FeedStatus> GetFeedAsync(string sellerId, string feedId, CancellationToken cancellationToken)
    {
        var feed = await SendAsync(sellerId, SpApiOperations.GetFeed, HttpMethod.Get, $"feeds/2021-06-30/feeds/{Uri.EscapeDataString(feedId)}", null, cancellationToken);
        return new FeedStatus(feedId, RequiredText(feed, "processingStatus", SpApiOperations.GetFeed), Text(feed?["resultFeedDocumentId"]));
    }

    /// <summary>Downloads a result document (gunzipped when Amazon says <c>compressionAlgorithm: GZIP</c>).</summary>
    public async Task<byte[]> DownloadDocumentAsync(string sellerId, string feedDocumentId, CancellationToken cancellationToken)
    {
        var document = await SendAsync(sellerId, SpApiOperations.GetFeedDocument, HttpMethod.Get,
            $"feeds/2021-06-30/documents/{Uri.EscapeDataString(feedDocumentId)}", null, cancellationToken);
        var url = new Uri(RequiredText(document, "url", SpApiOperations.GetFeedDocument));
        using var response = await _httpClientFactory.CreateClient(DocumentsHttpClientName).GetAsync(url, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Downloading feed document {feedDocumentId} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!string.Equals(Text(document?["compressionAlgorithm"]), "GZIP", StringComparison.OrdinalIgnoreCase))
        {
            return bytes;
        }

        await using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain, cancellationToken);
        return plain.ToArray();
    }

    private Task<JsonNode?> SendAsync(string sellerId, string operation, HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        SpApiHttp.SendAsync(_httpClientFactory, _options.CurrentValue.Endpoint, new SpApiCall(sellerId, operation, method, path) { Body = body }, cancellationToken);

    private static string RequiredText(JsonNode? node, string name, string operation) =>
        Text(node?[name]) ?? throw new SellingPartnerApiException($"SP-API {operation} answered without \"{name}\".");

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

/// <summary>Where a feed is: IN_QUEUE, IN_PROGRESS, DONE, CANCELLED or FATAL.</summary>
public sealed record FeedStatus(string FeedId, string ProcessingStatus, string? ResultFeedDocumentId)
{
    public const string Done = "DONE";
    public const string Cancelled = "CANCELLED";
    public const string Fatal = "FATAL";

    public bool IsFinal => ProcessingStatus is Done or Cancelled or Fatal;
}
