using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Testing;
using OrderOps.Testing.Storage;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>
/// An EDI order through the whole app: node-x12's published 850 in over HTTP, the lifecycle accepts, allocates and
/// releases it to a fake location, and the partner finds an 855 in the edi-outbox; a shipment event makes an 856.
/// </summary>
public sealed class EdiLifecycleTests : IAsyncLifetime
{
    private const string OrderId = "edi:xyz-retail:08292233294";
    private static readonly string[] Skus = ["AB3542", "RD5322", "XY5266", "VX2332", "RV0524", "DX1875"];

    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;
    private HttpClient _client = null!;

    private string Outbox => Path.Combine(_app.DataDirectory, "blobs", "edi-outbox", "xyz-retail");

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        var settings = _world.Settings("east");
        settings["Channels:Edi:InterchangeReceiverQualifier"] = "01";
        settings["Channels:Edi:InterchangeReceiverId"] = "999999999";
        settings["Channels:Edi:Partners:xyz-retail:InterchangeSenderQualifier"] = "12";
        settings["Channels:Edi:Partners:xyz-retail:InterchangeSenderId"] = "4405197800";
        _app = new AppFactory(settings: settings);
        _client = _app.CreateKeyedClient();
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        foreach (var sku in Skus)
        {
            await stock.SetOnHandAsync("east", sku, 1000, default);
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task An_edi_order_is_acknowledged_with_an_855_on_acceptance_and_an_856_per_shipment()
    {
        var acknowledgment = await PostPurchaseOrderAsync();
        var released = await _app.WaitForOrderAsync(OrderId, v => Status(v) == "released");

        Assert.Empty(released.GetProperty("lifecycle").GetProperty("openExceptions").EnumerateArray());
        Assert.Contains(released.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "lifecycle.channelNotified"
            && e.GetProperty("data").GetProperty("action").GetString() == "acceptance" && e.GetProperty("data").GetProperty("result").GetString() == "Done");
        Assert.Equal(["855-08292233294.x12"], Documents());
        var accepted = await File.ReadAllTextAsync(Path.Combine(Outbox, "855-08292233294.x12"));
        Assert.Contains("~ST*855*0001~BAK*00*AD*08292233294*20101127*****", accepted, StringComparison.Ordinal);
        Assert.Contains("~PO1*6*696*EA*9.55*TE*CB*067504-118*PR*RO*VN*DX1875~PID*F****ORANGE WIDGET~ACK*IA*696*EA~CTT*6*1310~", accepted, StringComparison.Ordinal);

        using (var shipped = await _client.PostAsJsonAsync("/api/fulfillment/events", new
        {
            eventId = "evt-1", type = "shipped", orderId = OrderId, locationId = "east", shipmentId = "SHIP-1", carrier = "UPSN", trackingNumber = "1Z999AA10123456784",
            lines = new[] { new { lineId = "1", quantity = 120 }, new { lineId = "2", quantity = 200 } },
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        }

        var partial = await _app.WaitForOrderAsync(OrderId, v => Status(v) == "partially_shipped"
            && v.GetProperty("lifecycle").GetProperty("shipments").EnumerateArray().Any(s => s.GetProperty("channelNotified").GetBoolean()));
        Assert.Empty(partial.GetProperty("lifecycle").GetProperty("openExceptions").EnumerateArray());
        Assert.Equal(["855-08292233294.x12", "856-08292233294_SHIP-1.x12"], Documents());
        var notice = await File.ReadAllTextAsync(Path.Combine(Outbox, "856-08292233294_SHIP-1.x12"));
        Assert.Contains("~ST*856*0001~BSN*00*SHIP-1*", notice, StringComparison.Ordinal);
        Assert.Contains("~HL*1**S~TD5**2*UPSN**UPSN~REF*CN*1Z999AA10123456784~DTM*011*", notice, StringComparison.Ordinal);
        Assert.Contains("~HL*2*1*O~PRF*08292233294***20101127~HL*3*2*I~LIN*1*CB*065322-117*PR*RO*VN*AB3542~SN1*1*120*EA~PID*F****SMALL WIDGET~"
            + "HL*4*2*I~LIN*2*CB*066850-116*PR*RO*VN*RD5322~SN1*2*200*EA~PID*F****MEDIUM WIDGET~CTT*4*320~", notice, StringComparison.Ordinal);

        // One counter for everything sent to the partner: the 997 answered over HTTP, then the 855, then the 856.
        Assert.Equal(["000000001", "000000002", "000000003"], new[] { acknowledgment, accepted, notice }.Select(d => d.Split('*')[13]));
    }

    [Fact]
    public async Task An_operator_cancel_after_acceptance_sends_the_partner_an_855_rejecting_every_line()
    {
        await PostPurchaseOrderAsync();
        await _app.WaitForOrderAsync(OrderId, v => Status(v) == "released");

        using var response = await _client.PostAsJsonAsync($"/api/orders/{OrderId}/cancel", new { reason = "discontinued" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(["855-08292233294.x12", "855-08292233294_cancel.x12"], Documents());
        var rejection = await File.ReadAllTextAsync(Path.Combine(Outbox, "855-08292233294_cancel.x12"));
        Assert.Contains("~BAK*05*RD*08292233294*20101127*****", rejection, StringComparison.Ordinal);
        Assert.Equal(6, rejection.Split("~ACK*IR*0*EA~").Length - 1);
    }

    /// <summary>Posts the published 850 with a country on its ship-to (the lifecycle requires one; X12 N404 is optional) and returns the 997.</summary>
    private async Task<string> PostPurchaseOrderAsync()
    {
        var text = await File.ReadAllTextAsync(RepositoryPaths.Fixture("edi", "x12_nodex12_850.edi"));
        Assert.Single(text.Split("N4*SOLON*OH*44139~")[1..]);
        using var content = new StringContent(text.Replace("N4*SOLON*OH*44139~", "N4*SOLON*OH*44139*US~", StringComparison.Ordinal), Encoding.ASCII, "application/edi-x12");
        using var response = await _client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private List<string> Documents() =>
        Directory.Exists(Outbox) ? Directory.GetFiles(Outbox).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList() : [];

    private static string? Status(JsonElement view) => view.GetProperty("status").GetString();
}
