using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace OrderOps.Functions.Tests.Edi;

/// <summary>The scheduled 846: every SKU's available-to-sell for the edi channel, written to the partner's outbox.</summary>
public sealed class InventoryAdviceTests : IDisposable
{
    private readonly AppFactory _app = new(new Dictionary<string, string>
    {
        // Once a year: the test runs the function itself and must not race the schedule.
        ["Channels:Edi:InventoryAdviceSchedule"] = "0 0 0 1 1 *",
        ["Channels:Edi:InterchangeReceiverQualifier"] = "01",
        ["Channels:Edi:InterchangeReceiverId"] = "999999999",
        ["Channels:Edi:Partners:xyz-retail:InterchangeSenderQualifier"] = "12",
        ["Channels:Edi:Partners:xyz-retail:InterchangeSenderId"] = "4405197800",
        ["Channels:Edi:Partners:xyz-retail:InventoryAdvice"] = "true",
        ["Channels:Edi:Partners:quiet:InterchangeSenderId"] = "QUIET",
        ["Inventory:Locations:0"] = "east",
        ["Inventory:Locations:1"] = "west",
        ["Inventory:Channels:edi:Locations:0"] = "east",
        ["Inventory:Channels:edi:Buffer:Absolute"] = "1",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Partners_that_want_it_get_an_846_of_available_to_sell_with_fresh_control_numbers()
    {
        using var client = _app.CreateKeyedClient();
        foreach (var movement in new object[]
        {
            new { movementId = "r1", sku = "MUG-1", location = "east", type = "receipt", quantity = 8 },
            new { movementId = "r2", sku = "MUG-1", location = "west", type = "receipt", quantity = 50 },
            new { movementId = "r3", sku = "TEE-M", location = "east", type = "receipt", quantity = 1 },
        })
        {
            using var response = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), movement);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await _app.InvokeFunctionAsync("SendInventoryAdvice", new TimerInfo());
        await _app.InvokeFunctionAsync("SendInventoryAdvice", new TimerInfo());

        var folder = Path.Combine(_app.DataDirectory, "blobs", "edi-outbox", "xyz-retail");
        Assert.Equal(["846-000000001.x12", "846-000000002.x12"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(Path.Combine(_app.DataDirectory, "blobs", "edi-outbox", "quiet")));
        var advice = await File.ReadAllTextAsync(Path.Combine(folder, "846-000000001.x12"));
        Assert.StartsWith("ISA*00*          *00*          *01*999999999      *12*4405197800     *", advice, StringComparison.Ordinal);
        Assert.Contains("~GS*IB*999999999*4405197800*", advice, StringComparison.Ordinal);
        Assert.Contains("~ST*846*0001~BIA*00*DD*1*", advice, StringComparison.Ordinal);

        // east only, minus an absolute buffer of 1: MUG-1 8 - 1 = 7; TEE-M max(0, 1 - 1) = 0.
        Assert.Contains("~LIN*1*SK*MUG-1~QTY*33*7*EA~LIN*2*SK*TEE-M~QTY*33*0*EA~CTT*2~SE*8*0001~GE*1*1~IEA*1*000000001~", advice, StringComparison.Ordinal);

        // The Channels page's row of the partner: when its last 846 was written; the partner without an 846 has none.
        var accounts = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overview/channels", UriKind.Relative));
        var edi = accounts.GetProperty("accounts").EnumerateArray().Where(a => a.GetProperty("channel").GetString() == "edi").ToList();
        var row = Assert.Single(edi);
        Assert.Equal(("846 inventory advice", "xyz-retail"), (row.GetProperty("kind").GetString(), row.GetProperty("account").GetString()));
        Assert.True(row.TryGetProperty("lastSuccessAt", out _), row.ToString());
        Assert.False(row.TryGetProperty("lastFailureAt", out _), row.ToString());
    }
}
