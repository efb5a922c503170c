using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests.Fulfillment;

/// <summary>The notifier's confirmShipment through the real client chain (LWA, rate limiter, retries) against the fake SP-API.</summary>
public sealed class AmazonConfirmShipmentTests
{
    [Fact]
    public async Task Sends_what_amazons_published_sandbox_request_sends_for_the_same_shipment()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(), default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        var sent = Assert.Single(host.Fake.Bodies, b => b.Operation == SpApiOperations.ConfirmShipment);
        Assert.Equal(("POST", $"/orders/v0/orders/{AmazonOrders.OrderId}/shipmentConfirmation"), (sent.Method, sent.Path));
        Assert.Contains(sent.AccessToken, host.Fake.IssuedAccessTokens);
        Assert.StartsWith("application/json", sent.ContentType, StringComparison.Ordinal);

        // Every field we send is a field of the published request, with the published value; the published request's
        // other fields (shippingMethod, shipFromSupplySourceId, transparencyCodes) are optional and unknown to us.
        var published = Fixtures.ConfirmShipmentRequest().Body;
        var body = (JsonObject)JsonNode.Parse(sent.Body)!;
        Assert.Equal(published["marketplaceId"]!.GetValue<string>(), body["marketplaceId"]!.GetValue<string>());
        var package = (JsonObject)body["packageDetail"]!;
        foreach (var (name, value) in package.Where(p => p.Key != "orderItems"))
        {
            Assert.True(JsonNode.DeepEquals(published["packageDetail"]![name], value), $"packageDetail.{name}: sent {value?.ToJsonString()}, published {published["packageDetail"]![name]?.ToJsonString()}");
        }

        Assert.Equal(JsonValueKind.String, package["packageReferenceId"]!.GetValueKind()); // A JSON number is refused by Amazon.
        var item = (JsonObject)Assert.Single(package["orderItems"]!.AsArray())!;
        Assert.Equal(AmazonOrders.ItemId, item["orderItemId"]!.GetValue<string>());
        Assert.Equal(1, item["quantity"]!.GetValue<int>());
        Assert.Equal(["carrierCode", "carrierName", "orderItems", "packageReferenceId", "shipDate", "trackingNumber"], package.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_repeated_confirmation_edits_the_same_package_and_counts_as_done()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        var shipment = AmazonOrders.Shipment(shipmentId: "location-east/shipment-0001");

        var first = await host.Notifier.ConfirmShipmentAsync(order, shipment, default);
        var again = await host.Notifier.ConfirmShipmentAsync(order, shipment, default);

        Assert.Equal((ChannelNotifyStatus.Done, ChannelNotifyStatus.Done), (first.Status, again.Status));
        Assert.Equal(first.Detail, again.Detail);
        Assert.Equal(2, host.Fake.RequestCount(SpApiOperations.ConfirmShipment));
        var package = Assert.Single(host.Fake.Packages);
        Assert.Equal(AmazonOrders.OrderId, package.Key.OrderId);
        Assert.Equal("SHIPPED", host.Fake.Status(AmazonOrders.OrderId));
    }

    [Fact]
    public async Task A_shipment_amazon_already_shows_shipped_counts_as_done_once_its_items_confirm_it()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        // Someone confirmed the package in Seller Central under another package reference.
        await host.Client.ConfirmShipmentAsync(AmazonTestHost.SellerA, AmazonOrders.OrderId, new ConfirmShipmentRequest(AmazonTestHost.Marketplace,
            new PackageDetail("900", "UPS", null, null, "1ZHAND", DateTimeOffset.UtcNow, [new ConfirmShipmentItem(AmazonOrders.ItemId, 1)])), default);

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(shipmentId: "s-1"), default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Contains("already shows these items shipped", result.Detail, StringComparison.Ordinal);
        Assert.Contains(FakeSellingPartnerApi.AlreadyFulfilledMessage, result.Detail, StringComparison.Ordinal);
        Assert.Equal(1, host.Fake.RequestCount(SpApiOperations.GetOrder));
        Assert.Single(host.Fake.Packages); // Nothing was added.
    }

    [Fact]
    public async Task Amazons_400_is_a_failure_with_amazons_error_and_is_not_retried()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        host.Fake.EnqueueFault(SpApiOperations.ConfirmShipment, new Fault(HttpStatusCode.BadRequest, Body: Fixtures.ConfirmShipmentBadRequestBody()));

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(), default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("Amazon refused confirmShipment", result.Detail, StringComparison.Ordinal);
        Assert.Contains("HTTP 400, Invalid Input: Invalid Input, request id", result.Detail, StringComparison.Ordinal);
        Assert.Equal(1, host.Fake.RequestCount(SpApiOperations.ConfirmShipment));
        Assert.Equal(1, host.Fake.RequestCount(SpApiOperations.GetOrder)); // Checked: nothing shipped at Amazon.
        Assert.Empty(host.Fake.Packages);
    }

    [Fact]
    public async Task A_429_is_retried_after_amazons_Retry_After_and_then_succeeds()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        host.Fake.EnqueueFault(SpApiOperations.ConfirmShipment, new Fault(HttpStatusCode.TooManyRequests, RetryAfter: "3"));

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(), default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Equal(2, host.Fake.RequestCount(SpApiOperations.ConfirmShipment));
        Assert.Contains(TimeSpan.FromSeconds(3), host.Time.RequestedDelays);
        Assert.Single(host.Fake.Packages);
    }

    [Fact]
    public async Task Server_errors_that_outlast_the_retries_fail_with_what_amazon_said()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        host.Fake.FailSeller(AmazonTestHost.SellerA, new Fault(HttpStatusCode.ServiceUnavailable));

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(), default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("after every retry (HTTP 503, InternalFailure", result.Detail, StringComparison.Ordinal);
        Assert.Equal(4, host.Fake.RequestCount(SpApiOperations.ConfirmShipment)); // 1 + MaxRetryAttempts (3).
    }

    [Fact]
    public async Task A_carrier_amazon_does_not_list_is_sent_as_Other_with_its_name()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);

        var result = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(carrier: " Acme Freight "), default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        var package = JsonNode.Parse(Assert.Single(host.Fake.Bodies, b => b.Operation == SpApiOperations.ConfirmShipment).Body)!["packageDetail"]!;
        Assert.Equal(("Other", "Acme Freight"), (package["carrierCode"]!.GetValue<string>(), package["carrierName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task What_amazon_would_refuse_is_refused_here_without_calling_amazon()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);

        var noTracking = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(tracking: null), default);
        var unknownLine = await host.Notifier.ConfirmShipmentAsync(order, AmazonOrders.Shipment(lineId: "99999999999999"), default);
        var otherSeller = await host.Notifier.ConfirmShipmentAsync(order with { ChannelAccount = "A9UNKNOWNSELLER" }, AmazonOrders.Shipment(), default);

        Assert.Equal(ChannelNotifyStatus.Failed, noTracking.Status);
        Assert.Contains("tracking number", noTracking.Detail, StringComparison.Ordinal);
        Assert.Equal(ChannelNotifyStatus.Failed, unknownLine.Status);
        Assert.Contains("99999999999999", unknownLine.Detail, StringComparison.Ordinal);
        Assert.Equal(ChannelNotifyStatus.Failed, otherSeller.Status);
        Assert.Contains("Channels:Amazon:Accounts:A9UNKNOWNSELLER", otherSeller.Detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Fake.RequestCount(SpApiOperations.ConfirmShipment));
    }

    [Fact]
    public async Task Acceptance_is_not_applicable_and_fba_orders_are_shipped_by_amazon()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var order = AmazonOrders.Seed(host);
        var fba = (JsonObject)order.ChannelMetadata.DeepClone();
        fba["FulfillmentChannel"] = "AFN";

        Assert.Equal(ChannelNotifyStatus.NotApplicable, (await host.Notifier.AcknowledgeAcceptanceAsync(order, default)).Status);
        Assert.Equal(ChannelNotifyStatus.NotApplicable, (await host.Notifier.ConfirmShipmentAsync(order with { ChannelMetadata = fba }, AmazonOrders.Shipment(), default)).Status);
        Assert.Empty(host.Fake.Requests);
    }
}
