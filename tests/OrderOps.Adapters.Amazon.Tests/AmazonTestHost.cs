using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.Amazon.Tests.Doubles;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Operations;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>The adapter wired exactly as a host would (AddAmazonChannel), against the fake server and in-memory ports.</summary>
public sealed class AmazonTestHost : IAsyncDisposable
{
    public const string SellerA = "A1SELLERAAAAAA";
    public const string SellerB = "A2SELLERBBBBBB";
    public const string RefreshTokenA = "Atzr|refresh-token-A-must-not-leak";
    public const string RefreshTokenB = "Atzr|refresh-token-B-must-not-leak";
    public const string Marketplace = "ATVPDKIKX0DER";

    private AmazonTestHost(FakeSellingPartnerApi fake, ServiceProvider services, CompressedTimeProvider time, ListLoggerProvider logs)
    {
        Fake = fake;
        Services = services;
        Time = time;
        Logs = logs;
    }

    public FakeSellingPartnerApi Fake { get; }

    public ServiceProvider Services { get; }

    public CompressedTimeProvider Time { get; }

    public ListLoggerProvider Logs { get; }

    public InMemoryCheckpointStore Checkpoints => (InMemoryCheckpointStore)Services.GetRequiredService<ICheckpointStore>();

    public InMemoryRawArchive Archive => (InMemoryRawArchive)Services.GetRequiredService<IRawArchive>();

    public InMemoryMessageQueue Queue => (InMemoryMessageQueue)Services.GetRequiredService<IMessageQueue>();

    public ChannelActivityLog Activity => Services.GetRequiredService<ChannelActivityLog>();

    public AmazonOrderPoller Poller => Services.GetRequiredService<AmazonOrderPoller>();

    public SellingPartnerOrdersClient Client => Services.GetRequiredService<SellingPartnerOrdersClient>();

    /// <summary>The amazon channel notifier, resolved as the lifecycle resolves notifiers.</summary>
    public IChannelNotifier Notifier => Services.GetServices<IChannelNotifier>().Single(n => n.Channel == OrderOps.Core.Orders.Channels.Amazon);

    public string? Watermark(string sellerId = SellerA) =>
        Checkpoints.Values.TryGetValue($"amazon:{sellerId}:{Marketplace}:lastUpdatedAfter", out var value) ? value : null;

    public string? Cursor(string sellerId = SellerA) =>
        Checkpoints.Values.TryGetValue($"amazon:{sellerId}:{Marketplace}:cursor", out var value) ? value : null;

    /// <summary>Generous limits and fast retries by default (time runs 1000× faster for delays); tests override.</summary>
    public static async Task<AmazonTestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, bool twoSellers = false)
    {
        var fake = await FakeSellingPartnerApi.StartAsync();
        fake.AddSeller(SellerA, RefreshTokenA);
        var settings = new Dictionary<string, string?>
        {
            ["Channels:Amazon:Endpoint"] = fake.BaseAddress.ToString(),
            ["Channels:Amazon:LwaEndpoint"] = fake.LwaEndpoint.ToString(),
            ["Channels:Amazon:ClientId"] = FakeSellingPartnerApi.ClientId,
            ["Channels:Amazon:ClientSecret"] = FakeSellingPartnerApi.ClientSecret,
            [$"Channels:Amazon:Accounts:{SellerA}:RefreshToken"] = RefreshTokenA,
            [$"Channels:Amazon:Accounts:{SellerA}:MarketplaceIds"] = Marketplace,
            ["Channels:Amazon:RateLimits:SearchOrders:RequestsPerSecond"] = "1000",
            ["Channels:Amazon:RateLimits:SearchOrders:Burst"] = "1000",
            ["Channels:Amazon:RateLimits:GetOrder:RequestsPerSecond"] = "1000",
            ["Channels:Amazon:RateLimits:GetOrder:Burst"] = "1000",
            ["Channels:Amazon:Retry:MaxRetryAttempts"] = "3",
            ["Channels:Amazon:Retry:BaseDelay"] = "00:00:01",
            ["Channels:Amazon:AttemptTimeout"] = "1.00:00:00",
            ["Channels:Amazon:CircuitBreaker:MinimumThroughput"] = "1000",
        };
        if (twoSellers)
        {
            fake.AddSeller(SellerB, RefreshTokenB);
            settings[$"Channels:Amazon:Accounts:{SellerB}:RefreshToken"] = RefreshTokenB;
            settings[$"Channels:Amazon:Accounts:{SellerB}:MarketplaceIds"] = Marketplace;
        }

        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var time = new CompressedTimeProvider();
        var logs = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ICheckpointStore, InMemoryCheckpointStore>();
        services.AddSingleton<IRawArchive, InMemoryRawArchive>();
        services.AddSingleton<IMessageQueue, InMemoryMessageQueue>();
        // As the app's composition root registers it: the poller records each poll's outcome for the Channels page.
        services.AddSingleton<ChannelActivityLog>();
        services.AddAmazonChannel(configuration);
        services.AddAmazonChannelNotifier();
        return new AmazonTestHost(fake, services.BuildServiceProvider(validateScopes: true), time, logs);
    }

    /// <summary>Adds <paramref name="count"/> orders built from the published getOrder example (Unshipped), updated minutes ago (not in time order).</summary>
    public IReadOnlyList<string> SeedOrders(int count, string sellerId = SellerA)
    {
        var now = DateTimeOffset.UtcNow;
        var template = Fixtures.UnshippedOrder();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"902-{sellerId[..4]}-{i:D7}";
            // Alternate old and recent updates so page order is not LastUpdateDate order.
            var minutesAgo = i % 2 == 0 ? 10 + i : 300 - i;
            Fake.AddOrder(sellerId, Fixtures.OrderFrom(template, id, now.AddMinutes(-minutesAgo), itemId: $"{i:D14}"));
            ids.Add(id);
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
