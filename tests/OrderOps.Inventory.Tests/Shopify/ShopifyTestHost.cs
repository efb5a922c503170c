using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Shopify.Inventory;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Embedded;
using OrderOps.Storage.Embedded.Keys;

namespace OrderOps.Inventory.Tests.Shopify;

/// <summary>The Shopify channel registered exactly as the app does (AddShopifyChannel), against the fake Admin API.</summary>
public sealed class ShopifyTestHost : IAsyncDisposable
{
    private readonly TempDatabase _database = new();

    private ShopifyTestHost(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        Checkpoints = new SqliteCheckpointStore(_database.Database, TimeProvider.System);
        services.AddSingleton(Checkpoints);
        services.AddShopifyChannel(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Services = services.BuildServiceProvider(validateScopes: true);
    }

    public ServiceProvider Services { get; }

    public ICheckpointStore Checkpoints { get; }

    /// <summary>Settings for one shop of <paramref name="server"/>, fast retries, generous cost limits unless overridden.</summary>
    public static Dictionary<string, string?> ShopSettings(FakeShopifyServer server, FakeShop shop, string channel = "shopify", Dictionary<string, string?>? into = null)
    {
        var settings = into ?? [];
        var key = $"Channels:Shopify:Shops:{shop.Domain}";
        settings[$"{key}:AdminAccessToken"] = shop.Token;
        settings[$"{key}:AdminApiBaseUrl"] = server.BaseAddress(shop.Domain).ToString();
        settings[$"{key}:LocationId"] = shop.LocationGid.Split('/')[^1];
        settings[$"{key}:InventoryChannel"] = channel;
        settings["Channels:Shopify:RetryBaseDelay"] = "00:00:00.050";
        settings["Channels:Shopify:AttemptTimeout"] = "00:00:05";
        return settings;
    }

    public static ShopifyTestHost Start(Dictionary<string, string?> settings) => new(settings);

    public IReadOnlyList<ShopifyInventoryPublisher> Publishers => Services.GetServices<IChannelInventoryPublisher>().OfType<ShopifyInventoryPublisher>().ToList();

    public ShopifyInventoryPublisher Publisher(string shopDomain) => Publishers.Single(p => p.ShopDomain == shopDomain);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        _database.Dispose();
    }
}
