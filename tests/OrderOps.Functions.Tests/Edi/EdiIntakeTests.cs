using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Edi;

/// <summary>EDI X12 in through HTTP and through the inbox folder, on node-x12's published 850 (origin in the fixture's SOURCES.md).</summary>
public sealed class EdiIntakeTests : IDisposable
{
    private const string OrderId = "edi:xyz-retail:08292233294";

    private static readonly Dictionary<string, string> EdiSettings = new()
    {
        ["Channels:Edi:InterchangeReceiverQualifier"] = "01",
        ["Channels:Edi:InterchangeReceiverId"] = "999999999",
        ["Channels:Edi:Partners:xyz-retail:InterchangeSenderQualifier"] = "12",
        ["Channels:Edi:Partners:xyz-retail:InterchangeSenderId"] = "4405197800",
        ["OrderOps:Standalone:BlobPollInterval"] = "00:00:00.100",
    };

    private readonly AppFactory _app = new(settings: EdiSettings);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_published_850_is_acknowledged_with_a_997_and_becomes_a_canonical_order()
    {
        using var client = _app.CreateKeyedClient();

        using var response = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), Interchange("x12_nodex12_850.edi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/edi-x12", response.Content.Headers.ContentType?.MediaType);
        var acknowledgment = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("ISA*", acknowledgment, StringComparison.Ordinal);
        Assert.Contains("*01*999999999      *12*4405197800     *", acknowledgment, StringComparison.Ordinal); // sender and receiver swapped
        Assert.Contains("ST*997*", acknowledgment, StringComparison.Ordinal);
        Assert.Contains("AK1*PO*1421~", acknowledgment, StringComparison.Ordinal);
        Assert.Contains("AK9*A*1*1*1~", acknowledgment, StringComparison.Ordinal);
        var order = await _app.WaitForOrderAsync(OrderId);
        Assert.Equal("edi", order.GetProperty("order").GetProperty("channel").GetString());
        Assert.Equal("08292233294", order.GetProperty("order").GetProperty("channelOrderId").GetString());
    }

    [Fact]
    public async Task A_resent_interchange_is_a_duplicate_and_makes_no_second_order()
    {
        using var client = _app.CreateKeyedClient();
        using (await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), Interchange("x12_nodex12_850.edi")))
        {
        }

        await _app.WaitForOrderAsync(OrderId);

        using var again = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), Interchange("x12_nodex12_850.edi"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("TA1*000003438*", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Task.Delay(300);
        var order = await _app.WaitForOrderAsync(OrderId);
        Assert.Single(order.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString()!.StartsWith("order.", StringComparison.Ordinal)); // ingest's own events; the lifecycle adds its own
    }

    [Fact]
    public async Task An_unknown_sender_is_refused_archived_and_listed_not_ingested()
    {
        var text = Encoding.ASCII.GetString(await Interchange("x12_nodex12_850.edi").ReadAsByteArrayAsync()).Replace("4405197800", "5550001111", StringComparison.Ordinal);
        using var client = _app.CreateKeyedClient();

        using var response = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), new StringContent(text, Encoding.ASCII, "application/edi-x12"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var failures = await client.GetFromJsonAsync<JsonElement>("/api/ingest/failures?channel=edi");
        Assert.Contains("5550001111", Assert.Single(failures.GetProperty("failures").EnumerateArray()).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/orders?channel=edi")).GetProperty("orders").GetArrayLength());
    }

    [Fact]
    public async Task Garbage_is_a_400_problem_and_is_archived_as_a_failure()
    {
        using var client = _app.CreateKeyedClient();

        using var response = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), new StringContent("hello, this is not EDI", Encoding.ASCII, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var failures = await client.GetFromJsonAsync<JsonElement>("/api/ingest/failures?channel=edi");
        Assert.StartsWith("edi:unreadable:", Assert.Single(failures.GetProperty("failures").EnumerateArray()).GetProperty("archiveId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_needs_a_key()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), Interchange("x12_nodex12_850.edi"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_file_dropped_into_the_inbox_becomes_an_order_and_its_997_lands_in_the_outbox()
    {
        using var client = _app.CreateClient(); // starts the host and its pumps
        var inbox = Path.Combine(_app.DataDirectory, "blobs", "edi-inbox");
        Directory.CreateDirectory(inbox);
        var temporary = Path.Combine(inbox, "po-1.edi.tmp");
        await File.WriteAllBytesAsync(temporary, File.ReadAllBytes(RepositoryPaths.Fixture("edi", "x12_nodex12_850.edi")));
        File.Move(temporary, Path.Combine(inbox, "po-1.edi"));

        await _app.WaitForOrderAsync(OrderId);

        var outbox = Path.Combine(_app.DataDirectory, "blobs", "edi-outbox", "po-1.edi.997");
        var processed = Path.Combine(_app.DataDirectory, "blobs", "edi-inbox-processed");
        for (var i = 0; i < 200 && !(File.Exists(outbox) && Directory.Exists(processed) && Directory.GetFiles(processed).Length == 1); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains("AK9*A*1*1*1~", await File.ReadAllTextAsync(outbox), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(inbox));
        Assert.Single(Directory.GetFiles(processed));
    }

    private static ByteArrayContent Interchange(string file)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(RepositoryPaths.Fixture("edi", file)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/edi-x12");
        return content;
    }
}

public sealed class EdiNotConfiguredTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Without_trading_partners_the_endpoint_says_the_channel_is_not_configured()
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), new StringContent("ISA*", Encoding.ASCII, "application/edi-x12"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("archived as edi:unconfigured:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Kept as the README says: archived, and listed under ingest failures.
        var failures = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/ingest/failures?channel=edi", UriKind.Relative));
        var failure = Assert.Single(failures.GetProperty("failures").EnumerateArray());
        Assert.StartsWith("edi:unconfigured:", failure.GetProperty("archiveId").GetString(), StringComparison.Ordinal);
    }
}
