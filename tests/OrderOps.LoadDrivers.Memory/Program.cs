using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Orders;
using OrderOps.Testing;

// Peak resident memory (the kernel's VmHWM) of the real standalone app while it takes large inputs. One scenario a run:
//   segment [--megabytes 100]                 one X12 file whose BEG segment is that large, dropped into the EDI inbox
//   file --path F [--ingest-seconds 0]        a given X12 file (e.g. tests/benchmarks/x12 generator output) into the inbox;
//                                             then, optionally, keep ingesting its orders for that long before reading the peak
//   list [--orders 200] [--order-kb 4900] [--clients 20] [--page-size 200] [--seed webhooks|store]
//                                             seeds that many Shopify orders of that size, then clients page through
//                                             GET /api/orders concurrently, each to the last page. --seed webhooks (the
//                                             default) sends them as signed webhooks to the running app and reports the
//                                             peak of taking and ingesting them; --seed store writes them with the app's
//                                             own embedded order store before the app starts (what ingest would store,
//                                             mapped by the Shopify mapper), which is how thousands of 5 MB orders fit the
//                                             time. Either way the high-water mark is reset before paging, so the paging
//                                             peak is its own.
// Common: [--heap-limit-mb 768] runs the app under DOTNET_GCHeapHardLimit, as the issue's trial did, so an unbounded path
// fails visibly instead of taking the machine. The partner in the generated files is BENCHBUYER → ORDEROPS (ZZ).
// Only loopback is addressed; every wait is bounded by a deadline.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: segment [--megabytes 100] | file --path F [--ingest-seconds 0] | list [--orders 200] [--order-kb 4900] [--clients 20] [--page-size 200] [--seed webhooks|store]  [--heap-limit-mb 768]");
    return 2;
}

const string Secret = "memory-secret";
const string Key = "memory-key";
var dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-memory-" + Guid.NewGuid().ToString("N"));
var settings = new Dictionary<string, string>
{
    ["OrderOps__DataDirectory"] = dataDirectory,
    ["Auth__ApiKeys__0"] = Key,
    ["Channels__Shopify__WebhookSecret"] = Secret,
    ["Channels__Edi__InterchangeReceiverId"] = "ORDEROPS",
    ["Channels__Edi__Partners__bench__InterchangeSenderId"] = "BENCHBUYER",
    ["OrderOps__Standalone__BlobPollInterval"] = "00:00:00.200",
    ["DOTNET_GCHeapHardLimit"] = "0x" + (Option("--heap-limit-mb", 768) * 1024L * 1024L).ToString("X", CultureInfo.InvariantCulture),
};

try
{
    var seededInStore = args[0] == "list" && OptionText("--seed") == "store" ? await SeedStoreAsync() : null;
    await using var app = await StandaloneProcess.StartAsync(settings, TimeSpan.FromSeconds(60));
    Console.WriteLine(FormattableString.Invariant($"app ready: resident {Mb(app.ResidentBytes)} MB, heap limit {Option("--heap-limit-mb", 768)} MB"));
    var clock = Stopwatch.StartNew();
    var outcome = args[0] switch
    {
        "segment" => await InboxAsync(app, WriteSegmentFile(Option("--megabytes", 100)), 0),
        "file" => await InboxAsync(app, OptionText("--path") ?? throw new ArgumentException("file needs --path."), Option("--ingest-seconds", 0)),
        "list" => await ListAsync(app, seededInStore),
        _ => throw new ArgumentException($"Unknown scenario '{args[0]}'."),
    };
    Console.WriteLine(FormattableString.Invariant($"{args[0]}: {outcome}; {clock.Elapsed.TotalSeconds:F1} s; peak resident {Mb(app.PeakResidentBytes)} MB, resident at end {Mb(app.ResidentBytes)} MB"));
    return 0;
}
finally
{
    if (Directory.Exists(dataDirectory))
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

// Drops the file into the inbox (copy under a .tmp name, then rename: the pump skips .tmp) and waits for it to leave.
async Task<string> InboxAsync(StandaloneProcess app, string source, int ingestSeconds)
{
    var inbox = Path.Combine(dataDirectory, "blobs", "edi-inbox");
    Directory.CreateDirectory(inbox);
    var name = Path.GetFileName(source);
    var bytes = new FileInfo(source).Length;
    File.Copy(source, Path.Combine(inbox, name + ".tmp"));
    File.Move(Path.Combine(inbox, name + ".tmp"), Path.Combine(inbox, name));
    var deadline = DateTime.UtcNow.AddMinutes(30);
    while (File.Exists(Path.Combine(inbox, name)))
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("The inbox file was not taken within 30 minutes." + Environment.NewLine + app.Output);
        }

        await Task.Delay(100);
    }

    var poisoned = Directory.Exists(inbox + "-poison") && Directory.GetFiles(inbox + "-poison", "*" + name).Length > 0;
    var acknowledgment = Directory.GetFiles(Path.Combine(dataDirectory, "blobs", "edi-outbox"), name + ".997").FirstOrDefault();
    var result = FormattableString.Invariant($"{bytes / 1e6:F0} MB file {(poisoned ? "POISONED" : "taken")}, 997 {(acknowledgment is null ? "none" : new FileInfo(acknowledgment).Length.ToString("N0", CultureInfo.InvariantCulture) + " bytes")}, peak after intake {Mb(app.PeakResidentBytes)} MB");
    if (ingestSeconds > 0)
    {
        var until = DateTime.UtcNow.AddSeconds(ingestSeconds);
        while (DateTime.UtcNow < until && !app.HasExited)
        {
            await Task.Delay(500);
        }

        using var http = app.CreateClient(Key);
        var stored = app.HasExited ? 0 : (await CountPagesAsync(http, 200, "&channel=edi")).Orders;
        result += FormattableString.Invariant($", then {ingestSeconds} s of ingest ({(app.HasExited ? "APP EXITED" : "app alive")}, {stored:N0} EDI orders stored by then; peak {Mb(app.PeakResidentBytes)} MB)");
    }

    return result;
}

async Task<string> ListAsync(StandaloneProcess app, string? seededInStore)
{
    var orders = Option("--orders", 200);
    var clients = Option("--clients", 20);
    var pageSize = Option("--page-size", 200);
    using var http = app.CreateClient(Key);
    http.Timeout = TimeSpan.FromMinutes(10);
    var seeded = seededInStore ?? await SeedWebhooksAsync(app, http, orders);

    app.ResetPeakResident();
    var failed = 0;
    var pages = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        try
        {
            return await CountPagesAsync(http, pageSize);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref failed);
            return (Pages: 0, Orders: 0);
        }
    })));
    return FormattableString.Invariant($"{seeded}; {clients} clients read {pages.Sum(p => p.Orders)} list items in {pages.Sum(p => p.Pages)} pages of up to {pageSize}, {failed} clients FAILED; peak while paging {Mb(app.PeakResidentBytes)} MB");
}

async Task<string> SeedWebhooksAsync(StandaloneProcess app, HttpClient http, int orders)
{
    var body = LargeOrderBody(Option("--order-kb", 4900) * 1000);
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(1, orders), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
    {
        var order = JsonNode.Parse(body)!;
        order["id"] = 9_000_000_000L + i;
        using var response = await http.SendAsync(ShopifyWebhooks.Delivery(Encoding.UTF8.GetBytes(order.ToJsonString()), Secret, webhookId: "m-" + i.ToString(CultureInfo.InvariantCulture)), token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Webhook {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}{Environment.NewLine}{app.Output}");
        }
    });

    // Ingest runs behind the 200s: wait until every order is listed (small pages: the paging below is what is measured).
    var deadline = DateTime.UtcNow.AddMinutes(30);
    while (await CountAsync(http, 10) < orders)
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("Ingest did not store every order within 30 minutes.");
        }

        await Task.Delay(1000);
    }

    return FormattableString.Invariant($"{orders} webhooks of {body.Length / 1e6:F1} MB taken and ingested in {clock.Elapsed.TotalSeconds:F0} s (peak {Mb(app.PeakResidentBytes)} MB)");
}

// The orders as ingest would store them (the Shopify mapper's canonical order), written through the embedded store
// into the data directory the app then opens.
async Task<string> SeedStoreAsync()
{
    var orders = Option("--orders", 200);
    var body = Encoding.UTF8.GetBytes(LargeOrderBody(Option("--order-kb", 4900) * 1000));
    var order = new ShopifyOrderMapper().Map(new RawPayload { Id = "seed", Channel = "shopify", Account = "memory.myshopify.com", Kind = "orders/create", ReceivedAt = DateTimeOffset.UtcNow, Body = body })[0];
    var clock = Stopwatch.StartNew();
    using (var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = dataDirectory }))
    {
        var store = new SqliteOrderStore(database, TimeProvider.System);
        await Parallel.ForEachAsync(Enumerable.Range(1, orders), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, token) =>
        {
            var channelOrderId = (9_000_000_000L + i).ToString(CultureInfo.InvariantCulture);
            var copy = order with { OrderId = OrderId.Compose(order.Channel, order.ChannelAccount, channelOrderId), ChannelOrderId = channelOrderId };
            var received = new OrderEvent { Type = OrderEventTypes.Received, At = DateTimeOffset.UtcNow, Actor = "channel:shopify", Cause = "memory driver seed" };
            await store.SaveAsync(new OrderRecord { Order = copy, Status = OrderStatuses.Received }, null, [received], token);
        });
    }

    var document = JsonSerializer.SerializeToUtf8Bytes(order, OrderOpsJson.Options).Length;
    var size = Directory.GetFiles(dataDirectory, "orderops.db*").Sum(f => new FileInfo(f).Length);
    return FormattableString.Invariant($"{orders} orders ({body.Length / 1e6:F1} MB webhook bodies, {document / 1e6:F1} MB canonical documents) written to the store in {clock.Elapsed.TotalSeconds:F0} s ({size / 1e9:F1} GB on disk)");
}

static async Task<int> CountAsync(HttpClient http, int pageSize) => (await CountPagesAsync(http, pageSize)).Orders;

static async Task<(int Pages, int Orders)> CountPagesAsync(HttpClient http, int pageSize, string filter = "")
{
    var (pages, count) = (0, 0);
    string? continuation = null;
    do
    {
        using var response = await http.GetAsync(new Uri($"/api/orders?pageSize={pageSize}{filter}" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation)), UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET /api/orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        count += page.GetProperty("orders").GetArrayLength();
        pages++;
        continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.String ? page.GetProperty("continuation").GetString() : null;
    }
    while (continuation is not null);
    return (pages, count);
}

// Shopify's published order with its line item repeated (distinct ids) until the body is about that size.
static string LargeOrderBody(int targetBytes)
{
    var order = JsonNode.Parse(ShopifyWebhooks.OrderBody(1))!.AsObject();
    var lines = order["line_items"]!.AsArray();
    var template = lines[0]!.ToJsonString();
    var size = order.ToJsonString().Length;
    for (var i = 0; size < targetBytes; i++)
    {
        var line = JsonNode.Parse(template)!;
        line["id"] = 7_000_000_000L + i;
        line["sku"] = "BULK-" + i.ToString(CultureInfo.InvariantCulture);
        size += template.Length + 1;
        lines.Add(line);
    }

    return order.ToJsonString();
}

// One ISA/GS/ST and a BEG segment of the given size: a file with one enormous segment.
string WriteSegmentFile(int megabytes)
{
    var path = Path.Combine(Path.GetTempPath(), FormattableString.Invariant($"orderops-segment-{megabytes}mb.x12"));
    using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    file.Write("ISA*00*          *00*          *ZZ*BENCHBUYER     *ZZ*ORDEROPS       *261120*0930*U*00401*000000001*0*P*>~GS*PO*BENCHBUYER*ORDEROPS*20261120*0930*1*X*004010~ST*850*0001~BEG*00*SA*"u8);
    var chunk = new byte[1 << 20];
    Array.Fill(chunk, (byte)'A');
    for (var i = 0; i < megabytes; i++)
    {
        file.Write(chunk);
    }

    file.Write("**20261120~SE*3*0001~GE*1*1~IEA*1*000000001~"u8);
    return path;
}

static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
