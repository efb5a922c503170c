using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrderOps.Testing;
using OrderOps.Testing.Azure;

// Usage: dotnet run -c Release --project tests/OrderOps.LoadDrivers.Webhooks -- [--seconds 20] [--concurrency 32] [--starts 5] [--pumps 1]
//        [--backends embedded,azure]
// --pumps 0 pauses ingest so only the acknowledgement path is measured.
// For each backend in turn, starts the built Function app (same configuration as this driver) on a fresh data
// directory, measures the time from process start to the first 200 on /healthz, then posts signed, distinct Shopify
// orders for a fixed time. The Azure backend runs against Azurite and cosmosdb-server: the ones named by the
// ORDEROPS_STORAGE_CONNECTION_STRING / ORDEROPS_COSMOS_* variables, else started here from tests/node_modules
// (npm ci --prefix tests) and stopped at the end. Only loopback is ever addressed; every loop is bounded by count or time.
var seconds = Option("--seconds", 20);
var concurrency = Option("--concurrency", 32);
var starts = Option("--starts", 5);
var pumps = Option("--pumps", 1) != 0;
var backends = (OptionText("--backends") ?? "embedded").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
const string Secret = "load-secret";
var summary = new List<string>();
Emulators? emulators = null;
try
{
    foreach (var backend in backends)
    {
        Dictionary<string, string> backendSettings = backend switch
        {
            "embedded" => new() { ["Storage__Backend"] = "Embedded" },
            "azure" => AzureSettings(emulators ??= await Emulators.StartAsync()),
            _ => throw new ArgumentException($"--backends: '{backend}' is not 'embedded' or 'azure'."),
        };
        Console.WriteLine($"== backend: {backend}");
        summary.Add(backend + ": " + await MeasureAsync(backendSettings));
    }
}
finally
{
    if (emulators is not null)
    {
        await emulators.DisposeAsync();
    }
}

Console.WriteLine(FormattableString.Invariant($"== summary ({concurrency} concurrent senders, {seconds} s each, ingest {(pumps ? "running" : "paused")}, one run)"));
summary.ForEach(Console.WriteLine);
return;

static Dictionary<string, string> AzureSettings(Emulators emulators) => new()
{
    ["Storage__Backend"] = "Azure",
    ["Storage__CreateIfMissing"] = "true",
    ["StorageConnection"] = emulators.StorageConnectionString,
    ["CosmosDbConnection"] = $"AccountEndpoint={emulators.CosmosEndpoint};AccountKey={emulators.CosmosKey};",
    ["CosmosDb__Emulator"] = emulators.CosmosIsEmulator ? "true" : "false",
    ["CosmosDb__DatabaseName"] = "load" + Guid.NewGuid().ToString("N")[..8],
};

async Task<string> MeasureAsync(Dictionary<string, string> backendSettings)
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-load-" + Guid.NewGuid().ToString("N"));
    var settings = new Dictionary<string, string>(backendSettings)
    {
        ["OrderOps__DataDirectory"] = dataDirectory,
        ["Auth__ApiKeys__0"] = "load-key",
        ["Channels__Shopify__WebhookSecret"] = Secret,
        ["OrderOps__Standalone__RunPumps"] = pumps ? "true" : "false",
    };

    try
    {
        var readyTimes = new List<double>();
        for (var i = 0; i < starts; i++)
        {
            await using var probe = await StandaloneProcess.StartAsync(settings);
            readyTimes.Add(probe.TimeToReady.TotalMilliseconds);
        }

        readyTimes.Sort();
        Console.WriteLine(FormattableString.Invariant($"ready: process start -> first 200 on /healthz, {starts} starts: min {readyTimes[0]:F0} ms, median {readyTimes[readyTimes.Count / 2]:F0} ms, max {readyTimes[^1]:F0} ms"));

        await using var host = await StandaloneProcess.StartAsync(settings);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };

        // Bodies and signatures are prepared up front so the driver spends its CPU share on sending, not hashing.
        var prepared = Enumerable.Range(1, 4096).Select(i => ShopifyWebhooks.OrderBody(i)).ToArray();
        Console.WriteLine(FormattableString.Invariant($"body: Shopify's published order 450789469 with distinct ids, {prepared[0].Length:N0} bytes"));

        await RunAsync(TimeSpan.FromSeconds(3), record: false);
        var cpuBefore = host.CpuTime;
        var (latencies, failures, elapsed) = await RunAsync(TimeSpan.FromSeconds(seconds), record: true);
        var cpuPerDelivery = (host.CpuTime - cpuBefore).TotalMilliseconds / Math.Max(1, latencies.Count);
        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"load: {concurrency} concurrent senders for {elapsed.TotalSeconds:F1} s: {latencies.Count:N0} acknowledged ({latencies.Count / elapsed.TotalSeconds:N0} deliveries/s), {failures} failed"));
        Console.WriteLine(FormattableString.Invariant(
            $"server CPU: {cpuPerDelivery:F3} ms per delivery (ingest {(pumps ? "running" : "paused")}), machine load average at end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine(FormattableString.Invariant(
            $"ack latency: p50 {Percentile(latencies, 0.50):F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms"));
        return FormattableString.Invariant(
            $"{latencies.Count / elapsed.TotalSeconds:N0} deliveries/s, p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, {failures} failed, server CPU {cpuPerDelivery:F3} ms/delivery, ready in {readyTimes[readyTimes.Count / 2]:F0} ms (median)");

        async Task<(List<double> Latencies, int Failures, TimeSpan Elapsed)> RunAsync(TimeSpan duration, bool record)
        {
            var all = new List<double>[concurrency];
            var failed = 0;
            var clock = Stopwatch.StartNew();
            var next = 0L;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var mine = all[worker] = new List<double>(100_000);
                while (clock.Elapsed < duration)
                {
                    var n = Interlocked.Increment(ref next);
                    var body = prepared[n % prepared.Length];
                    using var request = ShopifyWebhooks.Delivery(body, Secret, webhookId: (record ? "m-" : "w-") + n.ToString(CultureInfo.InvariantCulture));
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })));
            return (all.SelectMany(l => l).ToList(), failed, clock.Elapsed);
        }
    }
    finally
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
