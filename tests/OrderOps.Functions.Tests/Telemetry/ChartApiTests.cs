using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Telemetry;

/// <summary><c>GET /api/telemetry/charts</c>: keyed, and it counts what the app's metrics recorded.</summary>
public sealed class ChartApiTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_charts_need_the_key_and_count_a_received_order_in_the_current_hour()
    {
        using var anonymous = _app.CreateClient();
        using (var refused = await anonymous.GetAsync(new Uri("/api/telemetry/charts", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var delivered = await anonymous.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(7301), AppFactory.WebhookSecret)))
        {
            delivered.EnsureSuccessStatusCode();
        }

        // Ingest runs after the 200; the endpoint collects before it reads, so the order shows in the current hour once stored.
        using var client = _app.CreateKeyedClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var charts = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/telemetry/charts", UriKind.Relative));
            Assert.Equal(24, charts.GetProperty("hours").GetArrayLength());
            var shopify = charts.GetProperty("received").EnumerateArray().FirstOrDefault(s => s.GetProperty("channel").GetString() == "shopify");
            if (shopify.ValueKind == JsonValueKind.Object && shopify.GetProperty("values").EnumerateArray().Last().GetInt64() >= 1)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The charts never counted the received Shopify order.");
            await Task.Delay(50);
        }
    }
}
