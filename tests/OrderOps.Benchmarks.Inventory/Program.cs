using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Benchmarks.Inventory;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Durable;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Keys;

// Usage: dotnet run -c Release --project tests/OrderOps.Benchmarks.Inventory [skus=10000] [seconds=10] [changesPerSecond=200]
var skuCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var changesPerSecond = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
var directory = Path.Combine(Path.GetTempPath(), "orderops-inventory-bench", Guid.NewGuid().ToString("N"));
var none = CancellationToken.None;
Console.WriteLine($"Embedded backend at {directory}; {skuCount} SKUs, 3 locations, 3 channels; {Environment.ProcessorCount} cores");

try
{
    await ReservationThroughputAsync();
    await FanOutLatencyAsync();
    await DriftBenchmark.RunAsync(directory, skuCount);
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

async Task ReservationThroughputAsync()
{
    using var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = Path.Combine(directory, "reservations") });
    var ledger = new SqliteInventoryLedger(database, TimeProvider.System);
    string[] locations = ["east", "west", "store"];
    const int hotSkus = 20;
    for (var s = 0; s < hotSkus; s++)
    {
        foreach (var location in locations)
        {
            await ledger.RecordMovementAsync(Receipt($"H{s}", location, 2_000), none);
        }
    }

    // 64 concurrent clients fight over 20 SKUs (orders of 1–3 lines, some sharing a SKU) until stock or time runs out.
    var reserved = 0L;
    var refused = 0L;
    var latencies = new List<double>();
    var stopAt = Stopwatch.GetTimestamp() + (long)(Math.Min(seconds, 10) * Stopwatch.Frequency);
    var started = Stopwatch.GetTimestamp();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(worker => Task.Run(async () =>
    {
        var random = new Random(worker);
        var mine = new List<double>();
        for (var n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new ReservationLine($"H{random.Next(hotSkus)}", random.Next(1, 3))).ToList();
            var t0 = Stopwatch.GetTimestamp();
            var result = await ledger.ReserveAsync(new ReservationRequest { OrderId = $"w{worker}-{n}", Lines = lines }, none);
            mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Interlocked.Increment(ref result.Status == ReservationStatus.Reserved ? ref reserved : ref refused);
        }

        lock (latencies)
        {
            latencies.AddRange(mine);
        }
    })));
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    latencies.Sort();
    Console.WriteLine($"Reservations under contention (64 clients, {hotSkus} hot SKUs x 3 locations, {elapsed:0.0} s): " +
        $"{reserved / elapsed:0} reserved/s, {(reserved + refused) / elapsed:0} attempts/s ({refused} refused for lack of stock); " +
        $"call latency p50 {Percentile(latencies, 0.50):0.00} ms, p99 {Percentile(latencies, 0.99):0.00} ms; " +
        $"process CPU {cpu.TotalMilliseconds / Math.Max(1, reserved + refused):0.000} ms per attempt (so ~{(reserved + refused) / cpu.TotalSeconds:0}/s per fully available core)");
    var balances = await ledger.GetBalancesAsync(Enumerable.Range(0, hotSkus).Select(s => $"H{s}").ToList(), none);
    Console.WriteLine($"  ledger check: over-allocated locations = {balances.Count(b => b.Allocated > b.OnHand)}, units allocated = {balances.Sum(b => b.Allocated)}");
}

async Task FanOutLatencyAsync()
{
    using var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = Path.Combine(directory, "fanout") });
    var signals = new InventorySignals();
    var ledger = new SqliteInventoryLedger(database, TimeProvider.System, signals);
    var publications = new SqliteInventoryPublicationStore(database);
    var options = new InventoryOptions
    {
        Locations = ["east", "west", "store"],
        Channels =
        {
            ["shopify"] = new ChannelInventoryOptions { Locations = ["east", "west"], Buffer = new StockBuffer { Absolute = 1 }, MaxConcurrency = 8 },
            ["amazon"] = new ChannelInventoryOptions { Locations = ["east", "west", "store"], Buffer = new StockBuffer { Absolute = 2 }, MaxConcurrency = 8 },
            ["edi"] = new ChannelInventoryOptions { Locations = ["east"], MaxConcurrency = 8 },
        },
        FanOut = new InventoryFanOutOptions { CoalesceWindow = TimeSpan.FromMilliseconds(200) },
    };
    BenchmarkPublisher[] publishers = [new("shopify"), new("amazon"), new("edi")];
    using var planner = new InventoryFanOutPlanner(ledger, publications, new SqliteCheckpointStore(database, TimeProvider.System), options, TimeProvider.System, NullLogger<InventoryFanOutPlanner>.Instance);
    var accounts = new ChannelAccounts(publishers, options);
    var signaller = new ChannelSyncSignaller(accounts, options, TimeProvider.System, NullLogger<ChannelSyncSignaller>.Instance);
    var activities = new ChannelSyncActivities(accounts, publications, options, TimeProvider.System, NullLogger<ChannelSyncActivities>.Instance);

    // The pushes run as the app runs them in standalone mode: one channel-sync orchestration per account on the
    // embedded durable runtime (DurableTask.Core over SQLite). The planning front end is the change-log loop the
    // benchmark used before, so a before/after comparison isolates the push side.
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);

    // Every signal that wakes an idle account leaves a cancelled timer that DurableTask discards later with a warning.
    builder.Logging.AddFilter("DurableTask.Core", LogLevel.Error);
    builder.Services.AddOrderOpsDurable(durable => durable.Sqlite.DataDirectory = Path.Combine(directory, "durable"), registry => registry.AddChannelSync(activities));
    using var durableHost = builder.Build();
    await durableHost.StartAsync();
    var client = durableHost.Services.GetRequiredService<DurableTaskClient>();
    using var stop = new CancellationTokenSource();
    var running = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var plan = await planner.RunOnceAsync(none);
            await signaller.SignalAsync(client, plan, none);
            if (plan.Consumed == 0)
            {
                await signals.WaitForLedgerChangeAsync(TimeSpan.FromMilliseconds(250), none);
            }
        }
    });

    // Initial stock as a bulk import would load it: 32 concurrent writers (they share commits through the group commit).
    var seed = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, skuCount), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, token) =>
    {
        foreach (var location in options.Locations)
        {
            await ledger.RecordMovementAsync(Receipt($"SKU{s:00000}", location, 100), token);
        }
    });

    var seeded = seed.Elapsed;
    await WaitAsync(() => publishers.All(p => p.Pushes.Count == skuCount), TimeSpan.FromMinutes(3));
    Console.WriteLine($"Seeding {skuCount * 3} receipts took {seeded.TotalSeconds:0.0} s ({skuCount * 3 / seeded.TotalSeconds:0} movements/s); " +
        $"all {skuCount * 3} initial pushes issued {seed.Elapsed.TotalSeconds:0.0} s after the first receipt");

    // Latency: isolated changes at a steady rate, each on a SKU not touched otherwise, so every push after the commit is its push.
    var random = new Random(1);
    var targets = Enumerable.Range(0, skuCount).OrderBy(_ => random.Next()).Take(Math.Min(skuCount - 10, changesPerSecond * seconds)).Select(s => $"SKU{s:00000}").ToList();
    var commits = new List<(string Sku, long Ticks)>();
    var interval = TimeSpan.FromSeconds(seconds) / targets.Count;
    var clock = Stopwatch.StartNew();
    var latencyCpu = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 0; i < targets.Count; i++)
    {
        var due = interval * i;
        if (clock.Elapsed < due)
        {
            await Task.Delay(due - clock.Elapsed);
        }

        var before = Stopwatch.GetTimestamp();
        var result = await ledger.ReserveAsync(new ReservationRequest { OrderId = $"lat-{i}", Lines = [new(targets[i], 1)], Locations = ["east"] }, none);
        if (result.Status != ReservationStatus.Reserved)
        {
            throw new InvalidOperationException("benchmark reservation failed");
        }

        commits.Add((targets[i], before));
    }

    await WaitAsync(() => commits.All(c => publishers.All(p => p.FirstPushSince(c.Sku, c.Ticks) is not null)), TimeSpan.FromSeconds(30));
    var latencies = commits
        .Select(c => publishers.Max(p => p.FirstPushSince(c.Sku, c.Ticks) ?? long.MaxValue) - c.Ticks)
        .Select(ticks => ticks * 1000.0 / Stopwatch.Frequency)
        .Order()
        .ToList();
    Console.WriteLine($"Stock change -> all 3 channel pushes issued ({commits.Count} changes at {commits.Count / (double)seconds:0}/s over {skuCount} SKUs): " +
        $"p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms; " +
        $"process CPU {(Process.GetCurrentProcess().TotalProcessorTime - latencyCpu).TotalMilliseconds / commits.Count:0.00} ms per change (commit, plan, 3 pushes)");

    // Sustained burst: 10 hot SKUs change 50 times a second each for the run; count pushes per SKU per channel.
    var hot = Enumerable.Range(0, 10).Select(s => $"SKU{skuCount - 1 - s:00000}").ToList();
    var burstStart = Stopwatch.GetTimestamp();
    var burstClock = Stopwatch.StartNew();
    var changes = 0;
    var burstSeconds = Math.Max(2, seconds / 2);
    while (burstClock.Elapsed < TimeSpan.FromSeconds(burstSeconds))
    {
        foreach (var sku in hot)
        {
            await ledger.RecordMovementAsync(Receipt(sku, "east", 1), none);
            changes++;
        }

        await Task.Delay(20);
    }

    await WaitAsync(() => hot.All(s => publishers.All(p => p.Last(s) is { } last && last == ExpectedAsync(ledger, options, p.Channel, s).GetAwaiter().GetResult())), TimeSpan.FromSeconds(30));
    var perSku = hot.SelectMany(s => publishers.Select(p => p.CountSince(s, burstStart))).ToList();
    Console.WriteLine($"Sustained burst ({changes / hot.Count} changes per SKU over {burstSeconds} s, {changes / (double)burstSeconds / hot.Count:0}/s per SKU, window 200 ms): " +
        $"pushes per SKU per channel min {perSku.Min()}, avg {perSku.Average():0.0}, max {perSku.Max()}; final values equal the ledger");

    // Dispatch throughput: a backlog of one due push per SKU per channel, written straight into the outbox, then
    // woken once per channel; measures the push side alone (publish calls issued per second until the outbox is empty).
    var backlogAt = DateTimeOffset.UtcNow;
    var backlog = publishers.SelectMany(p => Enumerable.Range(0, skuCount).Select(s => new ScheduledPush(p.Channel, $"SKU{s:00000}", 1_000_000 + s, backlogAt, backlogAt))).ToList();
    await publications.ScheduleAsync(backlog, none);
    var totalBefore = publishers.Sum(p => Interlocked.Read(ref p.Total));
    var drain = Stopwatch.StartNew();
    var drainCpu = Process.GetCurrentProcess().TotalProcessorTime;
    await signaller.SignalAllAsync(client, none);

    await WaitAsync(() => publishers.Sum(p => Interlocked.Read(ref p.Total)) - totalBefore >= backlog.Count, TimeSpan.FromMinutes(5));
    Console.WriteLine($"Dispatch throughput ({backlog.Count} due pushes over 3 channel-sync orchestrations, batches of 500, MaxConcurrency 8): {backlog.Count / drain.Elapsed.TotalSeconds:0} pushes/s ({drain.Elapsed.TotalSeconds:0.0} s); process CPU {(Process.GetCurrentProcess().TotalProcessorTime - drainCpu).TotalMilliseconds / backlog.Count:0.000} ms per push");

    // Let the last rounds record their outcomes before the runtime stops under them.
    await WaitAsync(() => publishers.All(p => publications.ListPendingAsync(p.Channel, parkedOnly: false, 1, none).GetAwaiter().GetResult().Count == 0), TimeSpan.FromMinutes(1));
    await stop.CancelAsync();
    await running;
    await durableHost.StopAsync();
}

static StockMovement Receipt(string sku, string location, int quantity) =>
    new() { MovementId = Guid.NewGuid().ToString("N"), Sku = sku, Location = location, Type = MovementType.Receipt, Quantity = quantity };

static async Task<int> ExpectedAsync(IInventoryLedger ledger, InventoryOptions options, string channel, string sku) =>
    AvailableToSellCalculator.Compute(channel, sku, options.Channels[channel], await ledger.GetBalancesAsync([sku], CancellationToken.None)).Quantity;

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static async Task WaitAsync(Func<bool> done, TimeSpan timeout)
{
    var deadline = Stopwatch.StartNew();
    while (!done())
    {
        if (deadline.Elapsed > timeout)
        {
            throw new TimeoutException($"Not done within {timeout}.");
        }

        await Task.Delay(20);
    }
}
