using System.Text.Json.Nodes;
using System.Xml.Linq;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Fulfillment;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests.Fulfillment;

/// <summary>Cancellation: NotApplicable when Amazon asked; otherwise an order acknowledgement feed through the fake Feeds API.</summary>
public sealed class AmazonCancellationTests
{
    [Fact]
    public async Task A_cancellation_amazon_asked_for_is_not_applicable_and_nothing_is_sent()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);

        var result = await host.Notifier.AcknowledgeCancellationAsync(order, "buyer cancelled", requestedByChannel: true, default);

        Assert.Equal(ChannelNotifyStatus.NotApplicable, result.Status);
        Assert.Empty(host.Fake.Requests);
    }

    [Fact]
    public async Task An_operator_cancel_sends_an_order_acknowledgement_feed_and_is_done_when_amazons_report_says_so()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host, quantity: 2);

        var result = await host.Notifier.AcknowledgeCancellationAsync(order, "out of stock", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Equal("CANCELLED", host.Fake.Status(AmazonOrders.OrderId));

        var (feedType, document) = Assert.Single(host.Fake.SubmittedFeeds);
        Assert.Equal("POST_ORDER_ACKNOWLEDGEMENT_DATA", feedType);
        var envelope = XDocument.Parse(document).Root!;
        Assert.Equal(("1.01", AmazonTestHost.SellerA), (envelope.Element("Header")!.Element("DocumentVersion")!.Value, envelope.Element("Header")!.Element("MerchantIdentifier")!.Value));
        Assert.Equal("OrderAcknowledgement", envelope.Element("MessageType")!.Value);
        var ack = envelope.Element("Message")!.Element("OrderAcknowledgement")!;
        Assert.Equal(["AmazonOrderID", "StatusCode", "Item"], ack.Elements().Select(e => e.Name.LocalName)); // OrderAcknowledgement.xsd order.
        Assert.Equal((AmazonOrders.OrderId, "Failure"), (ack.Element("AmazonOrderID")!.Value, ack.Element("StatusCode")!.Value));
        Assert.Equal((AmazonOrders.ItemId, "GeneralAdjustment"), (ack.Element("Item")!.Element("AmazonOrderItemCode")!.Value, ack.Element("Item")!.Element("CancelReason")!.Value));

        var documentRequest = Assert.Single(host.Fake.Bodies, b => b.Operation == SpApiOperations.CreateFeedDocument);
        Assert.Equal(OrderAcknowledgementFeed.ContentType, JsonNode.Parse(documentRequest.Body)!["contentType"]!.GetValue<string>());
        var upload = Assert.Single(host.Fake.Bodies, b => b.Operation == "upload");
        Assert.Equal((OrderAcknowledgementFeed.ContentType, ""), (upload.ContentType, upload.AccessToken)); // No SP-API token to the presigned URL.
        var feed = JsonNode.Parse(Assert.Single(host.Fake.Bodies, b => b.Operation == SpApiOperations.CreateFeed).Body)!;
        Assert.Equal([AmazonTestHost.Marketplace], feed["marketplaceIds"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains(Assert.Single(host.Fake.Bodies, b => b.Operation == SpApiOperations.CreateFeed).AccessToken, host.Fake.IssuedAccessTokens);
    }

    [Fact]
    public async Task A_feed_still_processing_is_not_called_done_and_the_retry_reads_the_same_feed()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        host.Fake.FeedPollsBeforeDone = 100;

        var waiting = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);
        host.Fake.FinishFeeds();
        var retried = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);
        var repeated = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Pending, waiting.Status);
        Assert.Contains("still processing it (IN_QUEUE)", waiting.Detail, StringComparison.Ordinal);
        // ResultWait 10 s / PollInterval 5 s: 3 reads while waiting, then one read per later call.
        Assert.Equal(3 + 1 + 1, host.Fake.RequestCount(SpApiOperations.GetFeed));
        Assert.Equal((ChannelNotifyStatus.Done, ChannelNotifyStatus.Done), (retried.Status, repeated.Status));
        Assert.Equal(1, host.Fake.RequestCount(SpApiOperations.CreateFeed));
    }

    [Fact]
    public async Task Amazons_rejection_in_the_processing_report_is_a_failure_in_its_words_and_a_retry_sends_anew()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        // Shipped at Amazon after OrderOps last read the order: the canonical order still says Unshipped.
        await host.Client.ConfirmShipmentAsync(AmazonTestHost.SellerA, AmazonOrders.OrderId, new ConfirmShipmentRequest(AmazonTestHost.Marketplace,
            new PackageDetail("1", "UPS", null, null, "1Z", DateTimeOffset.UtcNow, [new ConfirmShipmentItem(AmazonOrders.ItemId, 1)])), default);

        var result = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);
        var retry = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("Amazon rejected cancellation feed 1", result.Detail, StringComparison.Ordinal);
        Assert.Contains("99999: The order cannot be canceled because it is SHIPPED.", result.Detail, StringComparison.Ordinal);
        Assert.Equal(ChannelNotifyStatus.Failed, retry.Status);
        Assert.Equal(2, host.Fake.RequestCount(SpApiOperations.CreateFeed));
    }

    [Fact]
    public async Task An_order_amazon_already_shows_shipped_or_cancelled_gets_no_feed()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        var shipped = (JsonObject)order.ChannelMetadata.DeepClone();
        shipped["fulfillment"]!["fulfillmentStatus"] = "PARTIALLY_SHIPPED";
        var cancelled = (JsonObject)order.ChannelMetadata.DeepClone();
        cancelled["fulfillment"]!["fulfillmentStatus"] = "CANCELLED";
        // An order mapped from Orders API v0 before the move keeps v0's metadata for the weeks it lives.
        var v0Cancelled = new JsonObject { ["MarketplaceId"] = AmazonTestHost.Marketplace, ["FulfillmentChannel"] = "MFN", ["OrderStatus"] = "Canceled" };

        var whenShipped = await host.Notifier.AcknowledgeCancellationAsync(order with { ChannelMetadata = shipped }, "operator", requestedByChannel: false, default);
        var whenCancelled = await host.Notifier.AcknowledgeCancellationAsync(order with { ChannelMetadata = cancelled }, "operator", requestedByChannel: false, default);
        var whenV0Cancelled = await host.Notifier.AcknowledgeCancellationAsync(order with { ChannelMetadata = v0Cancelled }, "operator", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Failed, whenShipped.Status);
        Assert.Contains("refund the whole order", whenShipped.Detail, StringComparison.Ordinal);
        Assert.Equal(ChannelNotifyStatus.Done, whenCancelled.Status);
        Assert.Equal(ChannelNotifyStatus.Done, whenV0Cancelled.Status);
        Assert.Empty(host.Fake.Requests);
    }

    [Fact]
    public async Task A_feed_amazon_ends_as_fatal_is_a_failure_and_is_forgotten()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        host.Fake.FeedEndsAs = "FATAL";

        var result = await host.Notifier.AcknowledgeCancellationAsync(order, "operator", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("as FATAL", result.Detail, StringComparison.Ordinal);
        Assert.Equal(string.Empty, host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonOrders.OrderId}:cancellationFeed"]);
    }

    [Fact]
    public void The_processing_report_is_read_for_counts_and_amazons_error_words()
    {
        const string report = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
              <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>M_EXAMPLE</MerchantIdentifier></Header>
              <MessageType>ProcessingReport</MessageType>
              <Message>
                <MessageID>1</MessageID>
                <ProcessingReport>
                  <DocumentTransactionID>123412341234</DocumentTransactionID>
                  <StatusCode>Complete</StatusCode>
                  <ProcessingSummary>
                    <MessagesProcessed>2</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful>
                    <MessagesWithError>1</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning>
                  </ProcessingSummary>
                  <Result>
                    <MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>25</ResultMessageCode>
                    <ResultDescription>We are unable to process the XML feed.</ResultDescription>
                  </Result>
                </ProcessingReport>
              </Message>
            </AmazonEnvelope>
            """;

        var parsed = FeedProcessingReport.Parse(System.Text.Encoding.UTF8.GetBytes(report));

        Assert.False(parsed.Succeeded);
        Assert.Equal(("Complete", 2, 1, 1), (parsed.StatusCode, parsed.MessagesProcessed, parsed.MessagesSuccessful, parsed.MessagesWithError));
        Assert.Equal("25: We are unable to process the XML feed.", parsed.DescribeErrors());
        Assert.Throws<FormatException>(() => FeedProcessingReport.Parse("<AmazonEnvelope/>"u8.ToArray()));
    }
}
