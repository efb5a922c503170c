using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Amazon.Fulfillment;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>The composition root wires the Amazon notifier, with or without an Amazon account configured.</summary>
public sealed class AmazonNotifierCompositionTests
{
    private static readonly CanonicalOrder Order = new()
    {
        OrderId = "amazon:A1SELLER:902-1106328-1059050",
        Channel = Channels.Amazon,
        ChannelAccount = "A1SELLER",
        ChannelOrderId = "902-1106328-1059050",
        PlacedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        Currency = "USD",
        LineItems = [new LineItem { LineId = "79039765272157", Sku = "MUG-1", Title = "Mug", Quantity = 1 }],
        ChannelMetadata = new() { ["MarketplaceId"] = "ATVPDKIKX0DER", ["FulfillmentChannel"] = "MFN", ["OrderStatus"] = "Unshipped" },
    };

    [Fact]
    public async Task With_an_amazon_account_the_amazon_notifier_is_the_one_for_the_amazon_channel()
    {
        using var app = new AppFactory(settings: new Dictionary<string, string>
        {
            ["Channels:Amazon:ClientId"] = "amzn1.application-oa2-client.test",
            ["Channels:Amazon:ClientSecret"] = "secret",
            ["Channels:Amazon:Accounts:A1SELLER:RefreshToken"] = "Atzr|seller",
            ["Channels:Amazon:Accounts:A1SELLER:MarketplaceIds:0"] = "ATVPDKIKX0DER",
        });
        await AssertStartsAsync(app);

        var notifiers = app.Services.GetServices<IChannelNotifier>().ToList();

        Assert.IsType<AmazonChannelNotifier>(Assert.Single(notifiers, n => n.Channel == Channels.Amazon));
        Assert.Equal(notifiers.Count, notifiers.Select(n => n.Channel).Distinct(StringComparer.Ordinal).Count()); // The activities index them by channel.
        Assert.NotNull(app.Services.GetRequiredService<LifecycleActivities>());
    }

    [Fact]
    public async Task Without_an_amazon_account_the_app_starts_and_the_notifier_names_the_missing_setting()
    {
        using var app = new AppFactory();
        await AssertStartsAsync(app);
        var amazon = Assert.IsType<AmazonChannelNotifier>(Assert.Single(app.Services.GetServices<IChannelNotifier>(), n => n.Channel == Channels.Amazon));
        var shipment = new ShipmentNotice("1", "east", "UPS", "1Z999", null, [new ShippedLine("79039765272157", "MUG-1", 1)], DateTimeOffset.UnixEpoch);

        var shipped = await amazon.ConfirmShipmentAsync(Order, shipment, default);
        var cancelledHere = await amazon.AcknowledgeCancellationAsync(Order, "operator", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Failed, shipped.Status);
        Assert.Contains("Channels:Amazon:Accounts:A1SELLER", shipped.Detail, StringComparison.Ordinal);
        Assert.Equal(ChannelNotifyStatus.Failed, cancelledHere.Status);
        Assert.Equal(ChannelNotifyStatus.NotApplicable, (await amazon.AcknowledgeCancellationAsync(Order, "buyer", requestedByChannel: true, default)).Status);
        Assert.Equal(ChannelNotifyStatus.NotApplicable, (await amazon.AcknowledgeAcceptanceAsync(Order, default)).Status);
    }

    private static async Task AssertStartsAsync(AppFactory app)
    {
        using var client = app.CreateClient();
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        health.EnsureSuccessStatusCode();
    }
}
