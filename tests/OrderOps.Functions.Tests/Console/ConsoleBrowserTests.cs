using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrderOps.Core.Ports;
using OrderOps.Testing;
using OrderOps.Testing.Storage;
using Xunit.Abstractions;

namespace OrderOps.Functions.Tests.Console;

/// <summary>
/// An ops person's path through the console in a real browser, against the app on Kestrel with a fake Shopify and
/// fake fulfillment locations: open it with the key, find an order by its channel order number, read its history,
/// find orders by customer e-mail and by SKU, resolve an exception, read an inventory explanation and a SKU drifting
/// from the ledger, read a channel account's row, see the charts drawn with data. A screenshot of each page is kept in
/// artifacts/console.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long BlackItem = 3;

    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;
    private ConsoleBrowser _browser = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        var settings = _world.Settings("east");
        // Inventory is pushed to the fake Shopify: IPOD2008BLACK is refused later, so it drifts (IPOD2008RED is unlisted).
        foreach (var (key, value) in _world.ShopifyInventorySettings("east", new Dictionary<string, long> { ["IPOD2008GREEN"] = 1, ["IPOD2008BLACK"] = BlackItem }))
        {
            settings[key] = value;
        }

        _app = new AppFactory(settings);
        _app.UseKestrel(0);
        _app.StartServer();
        _baseUrl = _app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        await stock.SetOnHandAsync("east", "IPOD2008GREEN", 12, default);
        await stock.SetOnHandAsync("east", "IPOD2008BLACK", 5, default);
        await stock.SetOnHandAsync("east", "IPOD2008RED", 5, default);
        _browser = await ConsoleBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_finds_an_order_reads_its_history_resolves_an_exception_and_reads_inventory_and_charts()
    {
        // Shopify took IPOD2008BLACK's first quantity (5 − 1 buffer) and refuses the next: the orders below change it.
        var black = FakeOutsideWorld.InventoryItem(BlackItem);
        await WaitUntilAsync(() => Task.FromResult(_world.InventoryAvailable.GetValueOrDefault(black) == 4), "IPOD2008BLACK's first push");
        _world.InventoryRefusals[black] = "INVALID_LOCATION";
        // 1001 is released; then a SKU runs out and 1002, which asks for it too, lands in the exception queue.
        var released = await PlaceAsync(1001);
        await _app.WaitForOrderAsync(released, v => v.GetProperty("lifecycle").GetProperty("state").GetString() == "released");
        await _app.Services.GetRequiredService<IInventoryLedger>().SetOnHandAsync("east", "IPOD2008RED", 0, default);
        var stuck = await PlaceAsync(1002);
        await _app.WaitForOrderAsync(stuck, v => v.GetProperty("lifecycle").GetProperty("openExceptions").GetArrayLength() > 0);

        await using var context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        // The suite runs many apps at once on a shared 2-core machine: allow for a slow page, never for a wrong one.
        page.SetDefaultTimeout(60_000);
        try
        {
            await WalkAsync(page, released, stuck);
        }
        catch
        {
            await ConsoleBrowser.ScreenshotAsync(page, "failure");
            throw;
        }
    }

    private async Task WalkAsync(IPage page, string released, string stuck)
    {
        var offsite = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(_baseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                offsite.Add(request.Url);
            }
        };

        // Open with the key in the fragment: it is taken into sessionStorage and removed from the address bar.
        await page.GotoAsync($"{_baseUrl}/console#key={AppFactory.ApiKey}");
        await page.Locator("#pipeline-matrix").WaitForAsync();
        Assert.Equal($"{_baseUrl}/console", page.Url);
        Assert.Equal(AppFactory.ApiKey, await page.EvaluateAsync<string>("sessionStorage.getItem('orderops.key')"));
        await ConsoleBrowser.ScreenshotAsync(page, "1-pipeline");

        // Find the released order by its channel order number, and read its history.
        await page.GetByLabel("Search orders").FillAsync("1001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        // The console moves with history.pushState (no page load): wait for the order page itself, then check its URL.
        var state = page.Locator("#order-state");
        await state.WaitForAsync();
        Assert.Equal($"{_baseUrl}/console/orders/{Uri.EscapeDataString(released)}", page.Url);
        Assert.Equal("released", await state.TextContentAsync());
        Assert.Contains("lifecycle.transition", await page.Locator("#history").TextContentAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "2-order");

        // The back button returns to the pipeline; a new tab on the same URL works too (a shareable link).
        await page.GoBackAsync();
        await page.Locator("#pipeline-matrix").WaitForAsync();

        // Both orders are Bob Norman's and hold IPOD2008GREEN: found by his e-mail (any case) and by the SKU, newest first.
        string[] both = [$"{stuck}", $"{released}"];
        foreach (var term in new[] { "Bob.Norman@Mail.Example.com", "IPOD2008GREEN" })
        {
            await page.GetByLabel("Search orders").FillAsync(term);
            await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
            var found = page.Locator("#search-results li");
            await found.Nth(1).WaitForAsync();
            Assert.Equal(both, await found.AllTextContentsAsync());
            await ConsoleBrowser.ScreenshotAsync(page, term.Contains('@', StringComparison.Ordinal) ? "2b-search-email" : "2c-search-sku");
        }

        // Resolve the exception, with the operator's name recorded.
        await page.GetByRole(AriaRole.Link, new() { Name = "Exceptions" }).ClickAsync();
        var row = page.Locator($"tr[data-exception-id]", new() { HasText = stuck });
        await row.WaitForAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "3-exceptions");
        await page.GetByLabel("Operator name").FillAsync("ann");
        await row.GetByLabel($"Resolution for {stuck}").SelectOptionAsync("cancel");
        await row.GetByLabel($"Reason for {stuck}").FillAsync("customer asked");
        await row.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await page.Locator("#resolve-status", new() { HasText = "Resolved 1 with cancel" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("tr[data-exception-id]", new() { HasText = stuck }).CountAsync());
        var resolved = await ExceptionOfAsync(stuck);
        Assert.Equal(("resolved", "operator:ann", "cancel"), (resolved.GetProperty("status").GetString(), resolved.GetProperty("resolvedBy").GetString(), resolved.GetProperty("resolution").GetString()));

        // The inventory page explains the quantity a channel is given.
        await page.GotoAsync($"{_baseUrl}/console/inventory?sku=IPOD2008GREEN");
        var explanation = page.Locator("code.explanation").First;
        await explanation.WaitForAsync();
        // 12 on hand, 1 allocated to order 1001, 1 held back for Shopify.
        Assert.StartsWith("10 = max(0, 11 available at [east] − 1 buffer", await explanation.TextContentAsync(), StringComparison.Ordinal);
        // IPOD2008BLACK drifts: Shopify still shows 4, refused since order 1001 took one.
        var drifting = page.Locator("#drift tr", new() { HasText = "IPOD2008BLACK" });
        await drifting.WaitForAsync();
        Assert.Equal("4", await drifting.Locator("td").Nth(1).TextContentAsync());
        Assert.Contains("max(0, ", await drifting.Locator("code.explanation").TextContentAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "4-inventory");

        // The Shopify account's row: its last success, the refusal, the parked push.
        await WaitUntilAsync(async () => (await ShopifyAccountAsync()).TryGetProperty("parkedUntil", out _), "the parked IPOD2008BLACK push");
        await page.GetByRole(AriaRole.Link, new() { Name = "Channels" }).ClickAsync();
        var account = page.Locator("#channel-accounts tr", new() { HasText = $"shopify:{ShopifyWebhooks.Shop}" });
        await account.WaitForAsync();
        var accountText = await account.TextContentAsync();
        Assert.Contains("Shopify refused the quantity: INVALID_LOCATION", accountText, StringComparison.Ordinal);
        Assert.Contains("1 parked", accountText, StringComparison.Ordinal);
        Assert.Contains("parked until", accountText, StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "5-channels");

        // The charts are drawn from the app's metrics (not from order listings): the counters and histograms recorded as
        // the two orders arrived, one was released and the other's exception was opened and resolved.
        var apiCalls = new List<string>();
        page.Request += (_, request) => apiCalls.Add(new Uri(request.Url).AbsolutePath);
        var metricsAnswer = page.WaitForResponseAsync(r => r.Url.Contains("/api/telemetry/charts", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Link, new() { Name = "Charts" }).ClickAsync();
        var metrics = (await (await metricsAnswer).JsonAsync())!.Value;
        await page.Locator("#charts[data-source=metrics]").WaitForAsync();
        var shopify = metrics.GetProperty("received").EnumerateArray().Single(s => s.GetProperty("channel").GetString() == "shopify");
        var thisHour = shopify.GetProperty("values").EnumerateArray().Last().GetInt64();
        Assert.True(thisHour >= 2, $"the received counter holds {thisHour} Shopify orders this hour");
        Assert.Equal($"shopify: {thisHour}", await page.Locator("svg.chart rect title", new() { HasTextString = "shopify:" }).Last.TextContentAsync());
        Assert.True(metrics.GetProperty("exceptionsOpened").EnumerateArray().Last().GetInt64() >= 1);
        Assert.True(metrics.GetProperty("exceptionsResolved").EnumerateArray().Last().GetInt64() >= 1);
        foreach (var series in new[] { "opened", "resolved" })
        {
            var points = await page.Locator($"polyline[data-series={series}]").GetAttributeAsync("points");
            Assert.Contains(points!.Split(' '), p => !p.EndsWith(",230", StringComparison.Ordinal)); // a point above the axis
        }

        var toRelease = metrics.GetProperty("timeToRelease");
        Assert.True(toRelease.GetProperty("count").GetInt64() >= 1);
        var timing = await page.Locator("#timing tbody tr").First.Locator("td").AllTextContentsAsync();
        Assert.Equal(["received → released", toRelease.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture)], timing.Take(2));
        Assert.NotEqual("—", timing[2]); // a p50 drawn from the histogram
        Assert.DoesNotContain(apiCalls, path => path == "/api/orders" || path == "/api/exceptions");
        await ConsoleBrowser.ScreenshotAsync(page, "6-charts");

        Assert.Empty(offsite);
    }

    [Fact]
    public async Task First_load_is_measured_in_bytes_and_time_to_interactive()
    {
        await using var context = await _browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        long bytes = 0;
        var files = 0;
        page.Response += async (_, response) =>
        {
            var body = await response.BodyAsync();
            Interlocked.Add(ref bytes, body.Length);
            Interlocked.Increment(ref files);
        };

        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"{_baseUrl}/console#key={AppFactory.ApiKey}");
        await page.Locator("body[data-ready]").WaitForAsync();
        var interactive = clock.Elapsed;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // A number for the record (README "Operator console"), not a timed assertion.
        var line = string.Create(CultureInfo.InvariantCulture, $"console first load: {files} responses, {bytes} bytes (uncompressed bodies), interactive after {interactive.TotalMilliseconds:0} ms");
        output.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(ConsoleBrowser.Artifacts, "first-load.txt"), line + Environment.NewLine);
        Assert.True(files > 0);
    }

    private async Task<string> PlaceAsync(long shopifyOrderId)
    {
        using var client = _app.CreateClient();
        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(shopifyOrderId), AppFactory.WebhookSecret));
        response.EnsureSuccessStatusCode();
        return $"shopify:{ShopifyWebhooks.Shop}:{shopifyOrderId}";
    }

    private async Task<JsonElement> ShopifyAccountAsync()
    {
        using var client = _app.CreateKeyedClient();
        var view = await client.GetFromJsonAsync<JsonElement>("/api/overview/channels");
        return view.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == $"shopify:{ShopifyWebhooks.Shop}");
    }

    /// <summary>Polls until <paramref name="condition"/> holds (pushes run in the background), a minute at most.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> ExceptionOfAsync(string orderId)
    {
        using var client = _app.CreateKeyedClient();
        var all = await client.GetFromJsonAsync<JsonElement>("/api/exceptions?status=all");
        return all.GetProperty("exceptions").EnumerateArray().Single(e => e.GetProperty("orderId").GetString() == orderId);
    }
}
