using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Tests.Doubles;
using OrderOps.Core.Ingest;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

public sealed class AmazonChannelRegistrationTests
{
    [Fact]
    public void Binds_channels_amazon_with_amazons_documented_defaults()
    {
        using var services = Build(new()
        {
            ["Channels:Amazon:ClientId"] = "id",
            ["Channels:Amazon:ClientSecret"] = "secret",
            ["Channels:Amazon:Accounts:SELLER1:RefreshToken"] = "Atzr|x",
            ["Channels:Amazon:Accounts:SELLER1:MarketplaceIds"] = "ATVPDKIKX0DER, A2EUQ1WTGCTBG2",
            ["Channels:Amazon:Accounts:SELLER2:RefreshToken"] = "Atzr|y",
            ["Channels:Amazon:Accounts:SELLER2:MarketplaceIds:0"] = "A1PA6795UKMFR9",
        });

        var options = services.GetRequiredService<IOptions<AmazonOptions>>().Value;

        Assert.Equal(["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"], options.Accounts["SELLER1"].MarketplaceIds);
        Assert.Equal(["A1PA6795UKMFR9"], options.Accounts["SELLER2"].MarketplaceIds);
        Assert.Equal("0 */5 * * * *", options.PollSchedule);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Overlap);
        Assert.Equal(TimeSpan.FromDays(1), options.InitialLookback);
        // Orders API v2026-01-01 model: searchOrders 0.0056 rps burst 20, getOrder 0.5 rps burst 30.
        Assert.Equal((0.0056, 20), (options.RateLimits.SearchOrders.RequestsPerSecond, options.RateLimits.SearchOrders.Burst));
        Assert.Equal((0.5, 30), (options.RateLimits.GetOrder.RequestsPerSecond, options.RateLimits.GetOrder.Burst));
        Assert.Equal(new Uri("https://sellingpartnerapi-na.amazon.com"), options.Endpoint);
        Assert.Equal(new Uri("https://api.amazon.com/auth/o2/token"), options.LwaEndpoint);
        Assert.IsType<AmazonOrderMapper>(Assert.Single(services.GetServices<IChannelOrderMapper>()));
        // Orders API v0 reference and the Feeds API 2021-06-30 model.
        Assert.Equal((2, 10), (options.RateLimits.ConfirmShipment.RequestsPerSecond, options.RateLimits.ConfirmShipment.Burst));
        Assert.Equal((0.0083, 15), (options.RateLimits.CreateFeedDocument.RequestsPerSecond, options.RateLimits.CreateFeedDocument.Burst));
        Assert.Equal((0.0083, 15), (options.RateLimits.CreateFeed.RequestsPerSecond, options.RateLimits.CreateFeed.Burst));
        Assert.Equal((2, 15), (options.RateLimits.GetFeed.RequestsPerSecond, options.RateLimits.GetFeed.Burst));
        Assert.Equal((0.0222, 10), (options.RateLimits.GetFeedDocument.RequestsPerSecond, options.RateLimits.GetFeedDocument.Burst));
        Assert.Equal(("GeneralAdjustment", TimeSpan.FromSeconds(10)), (options.Cancellation.CancelReason, options.Cancellation.ResultWait));
    }

    [Fact]
    public void Rejects_settings_without_credentials()
    {
        using var services = Build(new()
        {
            ["Channels:Amazon:Accounts:SELLER1:MarketplaceIds"] = "ATVPDKIKX0DER",
            ["Channels:Amazon:PollSchedule"] = "*/5 * * * *",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AmazonOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("ClientId", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SELLER1:RefreshToken", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("six-field", StringComparison.Ordinal)); // Five fields is not NCRONTAB.
    }

    [Fact]
    public void Rejects_a_cancel_reason_amazons_order_acknowledgement_does_not_know()
    {
        using var services = Build(new() { ["Channels:Amazon:Cancellation:CancelReason"] = "ChangedMyMind" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AmazonOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("ChangedMyMind", StringComparison.Ordinal) && f.Contains("NoInventory", StringComparison.Ordinal));
    }

    [Fact]
    public void Refuses_a_v0_usage_plan_naming_the_setting_that_replaced_it()
    {
        using var services = Build(new() { ["Channels:Amazon:RateLimits:GetOrderItems:RequestsPerSecond"] = "1" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AmazonOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("RateLimits:GetOrderItems", StringComparison.Ordinal) && f.Contains("Channels:Amazon:RateLimits:GetOrder ", StringComparison.Ordinal));
    }

    [Fact]
    public void With_no_accounts_the_channel_is_off_and_needs_no_credentials()
    {
        using var services = Build(new());

        Assert.Empty(services.GetRequiredService<IOptions<AmazonOptions>>().Value.Accounts);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICheckpointStore, InMemoryCheckpointStore>();
        services.AddSingleton<IRawArchive, InMemoryRawArchive>();
        services.AddSingleton<IMessageQueue, InMemoryMessageQueue>();
        services.AddAmazonChannel(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
