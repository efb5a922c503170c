using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderOps.Adapters.Amazon.Tests.Fake;

/// <summary>
/// The Feeds API 2021-06-30 as feeds_2021-06-30.json describes it: createFeedDocument answers 201 with a document id
/// and a presigned URL (here /uploads/{id}, which refuses an upload whose Content-Type differs from the one declared),
/// createFeed 202 with a feed id, getFeed the processingStatus (IN_QUEUE for <see cref="FeedPollsBeforeDone"/> calls,
/// then DONE with a resultFeedDocumentId), getFeedDocument a download URL with <c>compressionAlgorithm: GZIP</c>. An
/// order acknowledgement feed with StatusCode Failure cancels an Unshipped order of the seller; the processing report
/// is written in Amazon's ProcessingReport shape, with an Error result for an order it cannot cancel.
/// </summary>
public sealed partial class FakeSellingPartnerApi
{
    private readonly Dictionary<string, FeedDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeFeed> _feeds = new(StringComparer.Ordinal);
    private int _documentIds;
    private int _feedIds;

    /// <summary>getFeed answers IN_QUEUE this many times per feed before DONE.</summary>
    public int FeedPollsBeforeDone { get; set; }

    /// <summary>When set, every feed ends with this processingStatus (e.g. FATAL) instead of DONE.</summary>
    public string? FeedEndsAs { get; set; }

    /// <summary>Every feed still queued finishes at its next getFeed.</summary>
    public void FinishFeeds()
    {
        lock (_lock)
        {
            foreach (var feed in _feeds.Values)
            {
                feed.PollsLeft = 0;
            }
        }
    }

    /// <summary>Feeds created so far: type and the uploaded document's text.</summary>
    public IReadOnlyList<(string FeedType, string Document)> SubmittedFeeds
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Values.OrderBy(f => int.Parse(f.FeedId, System.Globalization.CultureInfo.InvariantCulture))
                    .Select(f => (f.FeedType, Encoding.UTF8.GetString(_documents[f.InputDocumentId].Content ?? []))).ToList();
            }
        }
    }

    private void MapFeeds(WebApplication app)
    {
        app.MapPost("/feeds/2021-06-30/documents", CreateFeedDocumentAsync);
        app.MapPut("/uploads/{documentId}", UploadAsync);
        app.MapPost("/feeds/2021-06-30/feeds", CreateFeedAsync);
        app.MapGet("/feeds/2021-06-30/feeds/{feedId}", GetFeedAsync);
        app.MapGet("/feeds/2021-06-30/documents/{documentId}", GetFeedDocumentAsync);
        app.MapGet("/downloads/{documentId}", DownloadAsync);
    }

    private async Task CreateFeedDocumentAsync(HttpContext context)
    {
        var body = Parse(await Record(context, "createFeedDocument"));
        if (await AdmitAsync(context, "createFeedDocument") is null)
        {
            return;
        }

        if (body?["contentType"] is not JsonValue contentType)
        {
            await WriteErrors(context, HttpStatusCode.BadRequest, "400", "Invalid input", "Invalid input");
            return;
        }

        string id;
        lock (_lock)
        {
            id = $"amzn1.tortuga.fake.{++_documentIds}";
            _documents[id] = new FeedDocument(contentType.GetValue<string>());
        }

        await WriteJson(context, HttpStatusCode.Created, new JsonObject { ["feedDocumentId"] = id, ["url"] = new Uri(BaseAddress, "uploads/" + id).ToString() });
    }

    private async Task UploadAsync(HttpContext context, string documentId)
    {
        var content = await Record(context, "upload");
        lock (_lock)
        {
            // A presigned URL is signed for the declared Content-Type; S3 refuses anything else.
            if (_documents.TryGetValue(documentId, out var document) && document.ContentType == context.Request.ContentType)
            {
                document.Content = Encoding.UTF8.GetBytes(content);
                context.Response.StatusCode = (int)HttpStatusCode.OK;
                return;
            }
        }

        context.Response.StatusCode = (int)HttpStatusCode.Forbidden;
        await context.Response.WriteAsync("<Error><Code>SignatureDoesNotMatch</Code></Error>");
    }

    private async Task CreateFeedAsync(HttpContext context)
    {
        var body = Parse(await Record(context, "createFeed"));
        var seller = await AdmitAsync(context, "createFeed");
        if (seller is null)
        {
            return;
        }

        string? feedId = null;
        lock (_lock)
        {
            if (body?["inputFeedDocumentId"]?.GetValue<string>() is { } documentId && _documents.TryGetValue(documentId, out var document) && document.Content is { } content
                && body["feedType"]?.GetValue<string>() is { } feedType && body["marketplaceIds"] is JsonArray { Count: > 0 })
            {
                feedId = (++_feedIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var report = feedType == "POST_ORDER_ACKNOWLEDGEMENT_DATA" ? ProcessOrderAcknowledgements(seller, content) : null;
                var reportId = $"amzn1.tortuga.fake.report.{feedId}";
                _documents[reportId] = new FeedDocument("text/xml") { Content = report };
                _feeds[feedId] = new FakeFeed(feedId, feedType, documentId, reportId) { PollsLeft = FeedPollsBeforeDone };
            }
        }

        await (feedId is null
            ? WriteErrors(context, HttpStatusCode.BadRequest, "400", "Invalid input", "Invalid input")
            : WriteJson(context, HttpStatusCode.Accepted, new JsonObject { ["feedId"] = feedId }));
    }

    private async Task GetFeedAsync(HttpContext context, string feedId)
    {
        if (await AdmitAsync(context, "getFeed") is null)
        {
            return;
        }

        JsonObject? answer = null;
        lock (_lock)
        {
            if (_feeds.TryGetValue(feedId, out var feed))
            {
                var status = feed.PollsLeft-- > 0 ? "IN_QUEUE" : FeedEndsAs ?? "DONE";
                answer = new JsonObject { ["feedId"] = feedId, ["feedType"] = feed.FeedType, ["createdTime"] = "2026-01-01T00:00:00Z", ["processingStatus"] = status };
                if (status == "DONE")
                {
                    answer["resultFeedDocumentId"] = feed.ResultDocumentId;
                }
            }
        }

        await (answer is null
            ? WriteErrors(context, HttpStatusCode.NotFound, "404", "Not found", "Not found")
            : WriteJson(context, HttpStatusCode.OK, answer));
    }

    private async Task GetFeedDocumentAsync(HttpContext context, string documentId)
    {
        if (await AdmitAsync(context, "getFeedDocument") is null)
        {
            return;
        }

        await WriteJson(context, HttpStatusCode.OK, new JsonObject
        {
            ["feedDocumentId"] = documentId,
            ["url"] = new Uri(BaseAddress, "downloads/" + documentId).ToString(),
            ["compressionAlgorithm"] = "GZIP",
        });
    }

    private async Task DownloadAsync(HttpContext context, string documentId)
    {
        byte[]? content;
        lock (_lock)
        {
            content = _documents.TryGetValue(documentId, out var document) ? document.Content : null;
        }

        if (content is null)
        {
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }

        using var zipped = new MemoryStream();
        await using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(content);
        }

        await context.Response.Body.WriteAsync(zipped.ToArray());
    }

    /// <summary>Applies each OrderAcknowledgement message (caller holds the lock) and writes the processing report.</summary>
    private byte[] ProcessOrderAcknowledgements(string seller, byte[] content)
    {
        var envelope = XDocument.Parse(Encoding.UTF8.GetString(content));
        var results = new List<XElement>();
        var messages = envelope.Root!.Elements("Message").ToList();
        foreach (var message in messages)
        {
            var ack = message.Element("OrderAcknowledgement");
            var orderId = ack?.Element("AmazonOrderID")?.Value;
            var stored = _orders.FirstOrDefault(o => o.SellerId == seller && o.Order["orderId"]?.GetValue<string>() == orderId);
            var status = stored?.Order["fulfillment"]?["fulfillmentStatus"]?.GetValue<string>();
            string? error = ack?.Element("StatusCode")?.Value != "Failure" ? null
                : stored is null ? "The order id was not found."
                : status is "UNSHIPPED" or "PENDING" ? null
                : $"The order cannot be canceled because it is {status}.";
            if (error is null && stored is not null && ack!.Element("StatusCode")!.Value == "Failure")
            {
                SetStatus(stored.Order, "CANCELLED");
            }

            if (error is not null)
            {
                // Code and wording are this fake's own; only the report's shape is Amazon's.
                results.Add(new XElement("Result",
                    new XElement("MessageID", message.Element("MessageID")?.Value),
                    new XElement("ResultCode", "Error"),
                    new XElement("ResultMessageCode", "99999"),
                    new XElement("ResultDescription", error)));
            }
        }

        var report = new XDocument(new XElement("AmazonEnvelope",
            new XElement("Header", new XElement("DocumentVersion", "1.02"), new XElement("MerchantIdentifier", seller)),
            new XElement("MessageType", "ProcessingReport"),
            new XElement("Message",
                new XElement("MessageID", "1"),
                new XElement("ProcessingReport",
                    new XElement("DocumentTransactionID", "50001" + _feedIds),
                    new XElement("StatusCode", "Complete"),
                    new XElement("ProcessingSummary",
                        new XElement("MessagesProcessed", messages.Count),
                        new XElement("MessagesSuccessful", messages.Count - results.Count),
                        new XElement("MessagesWithError", results.Count),
                        new XElement("MessagesWithWarning", 0)),
                    results))));
        return Encoding.UTF8.GetBytes(report.ToString());
    }

    private sealed class FeedDocument(string contentType)
    {
        public string ContentType { get; } = contentType;

        public byte[]? Content { get; set; }
    }

    private sealed record FakeFeed(string FeedId, string FeedType, string InputDocumentId, string ResultDocumentId)
    {
        public int PollsLeft { get; set; }
    }
}
