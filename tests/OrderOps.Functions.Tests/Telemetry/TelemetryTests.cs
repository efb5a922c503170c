using System.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrderOps.Hosting.Invocation;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Telemetry;

/// <summary>
/// Spans per function invocation carry the order id and nothing personal; the platform gauges report orders by state
/// and channel. Exported here to OpenTelemetry's in-memory exporter, as they would be to OTLP or Azure Monitor.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_function_span_carries_the_order_id_and_no_personal_data_and_the_gauges_count_the_order()
    {
        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        using var app = new AppFactory(new Dictionary<string, string>
        {
            ["OrderOps:Telemetry:Gauges"] = "true",
            ["OrderOps:Telemetry:GaugeInterval"] = "00:00:00.200",
        });
        using var exporting = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(activities));
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
        }));
        using var client = exporting.CreateClient();
        using var delivered = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(4242), AppFactory.WebhookSecret));
        delivered.EnsureSuccessStatusCode();
        var orderId = $"shopify:{ShopifyWebhooks.Shop}:4242";
        var keyed = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{Uri.EscapeDataString(orderId)}?code={AppFactory.ApiKey}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await client.SendAsync(keyed)).StatusCode != System.Net.HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            keyed = new HttpRequestMessage(HttpMethod.Get, keyed.RequestUri);
        }

        exporting.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var answered = activities.Where(a => a.Source.Name == FunctionActivity.SourceName && a.DisplayName == "GetOrder").ToList();
        // The activity source is process-wide: other tests' apps running in parallel add their own GetOrder spans.
        Assert.Contains(answered, a => Equals(orderId, a.GetTagItem(FunctionActivity.OrderIdAttribute)));
        Assert.All(answered, a => Assert.StartsWith("shopify:", a.GetTagItem(FunctionActivity.OrderIdAttribute) as string, StringComparison.Ordinal));
        var everyTag = activities.SelectMany(a => a.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty).ToList();
        Assert.DoesNotContain(everyTag, v => v.Contains("bob.norman", StringComparison.OrdinalIgnoreCase) || v.Contains(AppFactory.ApiKey, StringComparison.Ordinal));

        // The gauges are read every 200 ms; wait for the one that counts this order.
        var meters = exporting.Services.GetRequiredService<MeterProvider>();
        while (true)
        {
            metrics.Clear();
            meters.ForceFlush();
            var orders = metrics.Where(m => m.Name == "orderops.orders").SelectMany(Points).ToList();
            if (orders.Any(p => p.Channel == "shopify" && p.Value >= 1))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline.AddSeconds(10), "orderops.orders never counted the Shopify order.");
            await Task.Delay(100);
        }
    }

    private static IEnumerable<(string? Channel, long Value)> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            string? channel = null;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "channel")
                {
                    channel = tag.Value?.ToString();
                }
            }

            yield return (channel, point.GetGaugeLastValueLong());
        }
    }
}
