using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Shopify;
using OrderOps.Adapters.Shopify.Fulfillment;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>The Shopify notifier against a fake GraphQL Admin API: fulfillment with tracking, once; cancel; no token.</summary>
public sealed class ShopifyChannelNotifierTests : IAsyncLifetime
{
    private static readonly CanonicalOrder Order = new()
    {
        OrderId = "shopify:example.myshopify.com:5001",
        Channel = Channels.Shopify,
        ChannelAccount = "example.myshopify.com",
        ChannelOrderId = "5001",
        PlacedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        Currency = "USD",
    };

    private FakeOutsideWorld _world = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        _services = Build(token: "shpat_fake");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_shipment_becomes_one_fulfillment_with_tracking_even_when_told_twice()
    {
        var notifier = _services.GetRequiredService<IChannelNotifier>();
        var shipment = new ShipmentNotice("s1", "east", "UPS", "1ZTRACK", null, [new(FakeOutsideWorld.PublishedLineIds[0], "A", 1)], DateTimeOffset.UnixEpoch);

        var first = await notifier.ConfirmShipmentAsync(Order, shipment, default);
        var again = await notifier.ConfirmShipmentAsync(Order, shipment, default);

        Assert.Equal((ChannelNotifyStatus.Done, ChannelNotifyStatus.Done), (first.Status, again.Status));
        var created = Assert.Single(_world.Fulfillments);
        Assert.Equal(("gid://shopify/Order/5001", "1ZTRACK"), (created.OrderGid, created.TrackingNumber));
    }

    [Fact]
    public async Task A_line_shopify_does_not_know_is_a_failure_not_a_guess()
    {
        var notifier = _services.GetRequiredService<IChannelNotifier>();
        var shipment = new ShipmentNotice("s1", "east", "UPS", "1Z", null, [new("999", "A", 1)], DateTimeOffset.UnixEpoch);

        var result = await notifier.ConfirmShipmentAsync(Order, shipment, default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Empty(_world.Fulfillments);
    }

    [Fact]
    public async Task An_operator_cancel_cancels_in_shopify_and_a_channel_cancel_does_not()
    {
        var notifier = _services.GetRequiredService<IChannelNotifier>();

        Assert.Equal(ChannelNotifyStatus.NotApplicable, (await notifier.AcknowledgeCancellationAsync(Order, "customer", requestedByChannel: true, default)).Status);
        Assert.Equal(ChannelNotifyStatus.Done, (await notifier.AcknowledgeCancellationAsync(Order, "customer", requestedByChannel: false, default)).Status);

        Assert.Equal(["gid://shopify/Order/5001"], _world.Cancellations);
    }

    [Fact]
    public async Task An_order_shopify_already_cancelled_is_done_without_cancelling_it_again()
    {
        var notifier = _services.GetRequiredService<IChannelNotifier>();

        var first = await notifier.AcknowledgeCancellationAsync(Order, "customer", requestedByChannel: false, default);
        var again = await notifier.AcknowledgeCancellationAsync(Order, "customer", requestedByChannel: false, default);

        // Shopify publishes no "already cancelled" error code: the order's cancelledAt is what says so.
        Assert.Equal((ChannelNotifyStatus.Done, ChannelNotifyStatus.Done), (first.Status, again.Status));
        Assert.Equal(["gid://shopify/Order/5001"], _world.Cancellations);
    }

    [Fact]
    public async Task A_cancellation_shopify_refuses_is_a_failure_with_its_code()
    {
        _world.CancelRefusal = ("NO_REFUND_PERMISSION", "This app may not refund orders.");
        var notifier = _services.GetRequiredService<IChannelNotifier>();

        var result = await notifier.AcknowledgeCancellationAsync(Order, "customer", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("NO_REFUND_PERMISSION", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_world.Cancellations);
    }

    [Fact]
    public async Task Without_an_access_token_nothing_is_sent_and_the_reason_is_given()
    {
        await using var services = Build(token: null);
        var result = await services.GetRequiredService<IChannelNotifier>().ConfirmShipmentAsync(
            Order, new ShipmentNotice("s1", "east", "UPS", "1Z", null, [new(FakeOutsideWorld.PublishedLineIds[0], "A", 1)], DateTimeOffset.UnixEpoch), default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("AdminAccessToken", result.Detail, StringComparison.Ordinal);
    }

    private ServiceProvider Build(string? token)
    {
        var services = new ServiceCollection();
        services.Configure<ShopifyOptions>(o =>
        {
            o.AdminAccessToken = token;
            o.AdminApiBaseUrl = _world.BaseAddress.ToString();
        });
        services.AddShopifyChannelNotifier();
        return services.BuildServiceProvider();
    }
}
