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
/// resolve an exception, read an inventory explanation, see the charts drawn with data. A screenshot of each page
/// is kept in artifacts/console.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;
    private ConsoleBrowser _browser = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        var settings = _world.Settings("east");
        settings["Inventory:Locations:0"] = "east";
        settings["Inventory:Channels:shopify:Locations:0"] = "east";
        settings["Inventory:Channels:shopify:Buffer:Absolute"] = "1";
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
        await ConsoleBrowser.ScreenshotAsync(page, "4-inventory");

        await page.GetByRole(AriaRole.Link, new() { Name = "Channels" }).ClickAsync();
        await page.Locator("#channels").WaitForAsync();
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

    private async Task<JsonElement> ExceptionOfAsync(string orderId)
    {
        using var client = _app.CreateKeyedClient();
        var all = await client.GetFromJsonAsync<JsonElement>("/api/exceptions?status=all");
        return all.GetProperty("exceptions").EnumerateArray().Single(e => e.GetProperty("orderId").GetString() == orderId);
    }
}
