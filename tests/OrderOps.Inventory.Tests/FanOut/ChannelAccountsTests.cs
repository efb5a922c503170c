using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.ChannelSync;

namespace OrderOps.Inventory.Tests.FanOut;

public sealed class ChannelAccountsTests
{
    [Fact]
    public void Each_enabled_channel_with_a_publisher_is_one_account_named_after_it()
    {
        var options = FanOutHarness.DefaultOptions("shopify-eu", "amazon", "edi");
        options.Channels["edi"].Enabled = false;
        var accounts = new ChannelAccounts(
            [new RecordingPublisher("shopify-eu") { Account = "shopify:Shop-EU.myshopify.com" }, new RecordingPublisher("amazon") { Account = "amazon:A2SELLER" }, new RecordingPublisher("edi"), new RecordingPublisher("unconfigured")],
            options);

        Assert.Equal(["channel-sync:amazon:a2seller", "channel-sync:shopify:shop-eu.myshopify.com"], accounts.All.Select(a => a.InstanceId).Order());
        Assert.Equal("amazon", accounts.Find("AMAZON")?.Channel);
        Assert.Null(accounts.Find("edi"));
    }

    [Fact]
    public void The_channel_setting_paces_the_account_else_the_publishers_documented_rate()
    {
        var options = FanOutHarness.DefaultOptions("amazon", "amazon-slow", "shopify");
        options.Channels["amazon-slow"].MaxPushesPerSecond = 1;
        var accounts = new ChannelAccounts(
            [new RecordingPublisher("amazon") { Account = "amazon:A", PushesPerSecond = 5 }, new RecordingPublisher("amazon-slow") { Account = "amazon:B", PushesPerSecond = 5 }, new RecordingPublisher("shopify")],
            options);

        Assert.Equal(5, accounts.Find("amazon")!.PushesPerSecond);
        Assert.Equal(1, accounts.Find("amazon-slow")!.PushesPerSecond);
        Assert.Null(accounts.Find("shopify")!.PushesPerSecond);
    }

    [Fact]
    public void Two_channels_on_one_account_are_refused_because_one_orchestration_paces_one_channel()
    {
        var options = FanOutHarness.DefaultOptions("shopify", "shopify-2");
        var error = Assert.Throws<InvalidOperationException>(() => new ChannelAccounts(
            [new RecordingPublisher("shopify") { Account = "shopify:acme.myshopify.com" }, new RecordingPublisher("shopify-2") { Account = "shopify:ACME.myshopify.com" }],
            options));
        Assert.Contains("channel-sync:shopify:acme.myshopify.com", error.Message, StringComparison.Ordinal);
    }
}
