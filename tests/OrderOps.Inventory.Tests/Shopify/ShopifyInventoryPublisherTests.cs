using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify;
using OrderOps.Adapters.Shopify.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.Shopify;

public sealed class ShopifyInventoryPublisherTests
{
    private const string ShopA = "first-shop.myshopify.com";
    private const string ShopB = "wholesale-shop.myshopify.com";

    [Fact]
    public async Task Sets_available_with_compare_and_set_and_an_idempotency_key_resolving_the_sku_in_the_shop()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        var item = shop.AddVariant("HOODIE-L", 808950810, available: 7);
        await using var host = ShopifyTestHost.Start(ShopifyTestHost.ShopSettings(server, shop));
        var publisher = host.Publisher(ShopA);

        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("HOODIE-L", 42, default)).Status);
        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("HOODIE-L", 40, default)).Status);

        Assert.Equal(40, shop.Available("HOODIE-L"));
        Assert.Equal(["sku", "level", "set", "set"], server.Requests.Select(r => r.Operation)); // Looked up and read once.
        var first = shop.Applied[0]["quantities"]![0]!;
        Assert.Equal((item, shop.LocationGid, 42, 7), (first["inventoryItemId"]!.GetValue<string>(), first["locationId"]!.GetValue<string>(), first["quantity"]!.GetValue<int>(), first["changeFromQuantity"]!.GetValue<int>()));
        Assert.Equal(42, shop.Applied[1]["quantities"]![0]!["changeFromQuantity"]!.GetValue<int>()); // What it last set.
        Assert.Equal(("available", "correction"), (shop.Applied[0]["name"]!.GetValue<string>(), shop.Applied[0]["reason"]!.GetValue<string>()));
        Assert.Equal(2, shop.IdempotencyKeys.Distinct().Count());
        Assert.Equal(item, await host.Checkpoints.GetAsync(ShopifyInventoryItems.CheckpointName(ShopA, "HOODIE-L"), default)); // Remembered durably.
    }

    [Fact]
    public async Task A_sku_the_shop_does_not_list_is_not_listed_and_is_not_asked_again_at_once()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        await using var host = ShopifyTestHost.Start(ShopifyTestHost.ShopSettings(server, shop));

        Assert.Equal(PublishStatus.NotListed, (await host.Publisher(ShopA).PublishAsync("NOT-ON-SHOPIFY", 1, default)).Status);
        Assert.Equal(PublishStatus.NotListed, (await host.Publisher(ShopA).PublishAsync("NOT-ON-SHOPIFY", 2, default)).Status);

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task When_shopify_changed_the_quantity_meanwhile_it_reads_it_again_and_sets_ours()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        shop.AddVariant("HOODIE-L", 808950810, available: 10);
        await using var host = ShopifyTestHost.Start(ShopifyTestHost.ShopSettings(server, shop));
        await host.Publisher(ShopA).PublishAsync("HOODIE-L", 9, default);
        shop.ChangeOnShopify("HOODIE-L", 8); // A sale on Shopify the publisher has not seen.

        var result = await host.Publisher(ShopA).PublishAsync("HOODIE-L", 6, default);

        Assert.Equal(PublishStatus.Published, result.Status);
        Assert.Equal(6, shop.Available("HOODIE-L"));
        Assert.Equal(["sku", "level", "set", "set", "level", "set"], server.Requests.Select(r => r.Operation)); // Stale, re-read, set.
        Assert.Equal(8, shop.Applied[^1]["quantities"]![0]!["changeFromQuantity"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_change_whose_key_failed_before_is_set_again_under_a_new_key()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        shop.AddVariant("HOODIE-L", 808950810, available: 5);
        await using var host = ShopifyTestHost.Start(ShopifyTestHost.ShopSettings(server, shop));
        var publisher = host.Publisher(ShopA);
        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("HOODIE-L", 4, default)).Status);
        shop.ChangeOnShopify("HOODIE-L", 5); // Publisher believes 4: the push 4→7 is stale, the push 5→7 sets it.
        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("HOODIE-L", 7, default)).Status);
        shop.ChangeOnShopify("HOODIE-L", 4); // Back at 4: the next 4→7 is the very change whose key failed above.

        var result = await publisher.PublishAsync("HOODIE-L", 7, default);

        Assert.Equal(PublishStatus.Published, result.Status);
        Assert.Equal(7, shop.Available("HOODIE-L"));
        var keys = shop.IdempotencyKeys;
        Assert.Equal(keys.Count, keys.Distinct().Count() + 1); // The failed key was sent once more, then a fresh one.
    }

    [Fact]
    public async Task A_deleted_variant_is_looked_up_again_by_sku()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        shop.AddVariant("HOODIE-L", 808950810, available: 1);
        await using var host = ShopifyTestHost.Start(ShopifyTestHost.ShopSettings(server, shop));
        await host.Publisher(ShopA).PublishAsync("HOODIE-L", 2, default);
        shop.DeleteVariant("HOODIE-L");
        var recreated = shop.AddVariant("HOODIE-L", 999000111, available: 0);

        var result = await host.Publisher(ShopA).PublishAsync("HOODIE-L", 3, default);

        Assert.Equal(PublishStatus.Published, result.Status);
        Assert.Equal(3, shop.Available("HOODIE-L"));
        Assert.Equal(recreated, await host.Checkpoints.GetAsync(ShopifyInventoryItems.CheckpointName(ShopA, "HOODIE-L"), default));
    }

    [Fact]
    public async Task Throttling_is_transient_with_shopifys_wait_and_refusals_are_permanent()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        // A bucket of 12 points restoring 1 a second: the lookup (6) and the read (3) fit, the mutation (10) does not.
        var shop = server.AddShop(ShopA, "shpat_a", 655441491, restoreRate: 1, maximumAvailable: 12);
        shop.AddVariant("HOODIE-L", 808950810, available: 1);
        var settings = ShopifyTestHost.ShopSettings(server, shop);
        await using var host = ShopifyTestHost.Start(settings);

        var throttled = await host.Publisher(ShopA).PublishAsync("HOODIE-L", 5, default);

        Assert.Equal(PublishStatus.Transient, throttled.Status);
        Assert.Contains("THROTTLED", throttled.Error, StringComparison.Ordinal);
        Assert.InRange(throttled.RetryAfter!.Value, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(8)); // (10 - 3 available) / 1 per second.
        Assert.Equal(1, shop.Available("HOODIE-L"));

        settings[$"Channels:Shopify:Shops:{ShopA}:LocationId"] = "1";
        settings[$"Channels:Shopify:Shops:{ShopA}:InventoryItemIds:HOODIE-L"] = "808950810";
        await using var wrongLocation = ShopifyTestHost.Start(settings);
        var refused = await wrongLocation.Publisher(ShopA).PublishAsync("HOODIE-L", 5, default);
        Assert.Equal(PublishStatus.Permanent, refused.Status);

        settings[$"Channels:Shopify:Shops:{ShopA}:AdminAccessToken"] = "wrong";
        await using var wrongToken = ShopifyTestHost.Start(settings);
        Assert.Equal(PublishStatus.Permanent, (await wrongToken.Publisher(ShopA).PublishAsync("HOODIE-L", 5, default)).Status);
    }

    [Fact]
    public async Task Each_shop_is_its_own_channel_with_its_own_token_location_and_items()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var a = server.AddShop(ShopA, "shpat_a", 111);
        var b = server.AddShop(ShopB, "shpat_b", 222);
        a.AddVariant("MUG", 1001, available: 0);
        b.AddVariant("MUG", 2001, available: 0);
        var settings = ShopifyTestHost.ShopSettings(server, a, channel: "shopify");
        ShopifyTestHost.ShopSettings(server, b, channel: "shopify-wholesale", into: settings);
        await using var host = ShopifyTestHost.Start(settings);

        Assert.Equal(["shopify", "shopify-wholesale"], host.Publishers.Select(p => p.Channel).Order());
        await host.Publisher(ShopA).PublishAsync("MUG", 3, default);
        await host.Publisher(ShopB).PublishAsync("MUG", 30, default);

        Assert.Equal((3, 30), (a.Available("MUG"), b.Available("MUG")));
        Assert.All(server.Requests, r => Assert.NotEqual(401, r.Status));
    }

    [Fact]
    public async Task Todays_single_shop_inventory_section_is_read_as_one_shop_and_an_unsupported_version_is_refused()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var shop = server.AddShop(ShopA, "shpat_a", 655441491);
        shop.AddVariant("HOODIE-L", 808950810, available: 0);
        await using var legacy = ShopifyTestHost.Start(new()
        {
            ["Channels:Shopify:Inventory:ShopDomain"] = ShopA,
            ["Channels:Shopify:Inventory:BaseAddress"] = server.BaseAddress(ShopA).ToString(),
            ["Channels:Shopify:Inventory:AccessToken"] = "shpat_a",
            ["Channels:Shopify:Inventory:LocationId"] = "655441491",
            ["Channels:Shopify:Inventory:InventoryItemIds:HOODIE-L"] = "808950810",
        });

        Assert.Equal(PublishStatus.Published, (await legacy.Publisher(ShopA).PublishAsync("HOODIE-L", 4, default)).Status);
        Assert.Equal("shopify", legacy.Publisher(ShopA).Channel);
        Assert.DoesNotContain(server.Requests, r => r.Operation == "sku"); // The configured id overrides the lookup.

        await using var old = ShopifyTestHost.Start(new() { ["Channels:Shopify:AdminAccessToken"] = "shpat_x", ["Channels:Shopify:AdminApiVersion"] = "2025-01" });
        var error = Assert.Throws<OptionsValidationException>(() => old.Services.GetRequiredService<IOptions<ShopifyOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Channels:Shopify:AdminApiVersion '2025-01'", StringComparison.Ordinal) && f.Contains("2026-10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_shops_on_one_inventory_channel_are_refused_at_start()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        var settings = ShopifyTestHost.ShopSettings(server, server.AddShop(ShopA, "shpat_a", 111));
        ShopifyTestHost.ShopSettings(server, server.AddShop(ShopB, "shpat_b", 222), into: settings);
        await using var host = ShopifyTestHost.Start(settings);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ShopifyOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("InventoryChannel", StringComparison.Ordinal));
    }
}
