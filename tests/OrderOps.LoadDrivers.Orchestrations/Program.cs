using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Testing.Azure;

// Usage: dotnet run -c Release --project tests/OrderOps.LoadDrivers.Orchestrations -- [--sagas 3000] [--azure-sagas 300]
//        [--waiters 200] [--timer-ms 1000] [--backends sqlite,azure] [--minutes 3]
// For each backend in turn, in this process: starts the durable runtime (TaskHubWorker + shims), schedules the sagas
// (three activities and one durable timer each) and waits for all of them; sagas/s = sagas / (last completion - first
// schedule). Then starts waiters one after another and raises their event: raise -> orchestrator resumed, p50/p99.
// SQLite runs in a fresh temporary folder; Azure Storage on the Azurite the ORDEROPS_* variables name, or one started
// here from tests/node_modules (npm ci --prefix tests). Every phase stops at --minutes, finished or not.
var sagas = Option("--sagas", 3000);
var azureSagas = Option("--azure-sagas", 300);
var waiters = Option("--waiters", 200);
var timer = TimeSpan.FromMilliseconds(Option("--timer-ms", 1000));
var limit = TimeSpan.FromMinutes(Option("--minutes", 3));
var backends = (OptionText("--backends") ?? "sqlite,azure").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

var results = new Dictionary<string, double>(StringComparer.Ordinal);
Emulators? emulators = null;
try
{
    foreach (var backend in backends)
    {
        var data = Path.Combine(Path.GetTempPath(), "orderops-orch-load-" + Guid.NewGuid().ToString("N"));
        Action<DurableRuntimeOptions> configure = backend switch
        {
            "sqlite" => options => options.Sqlite.DataDirectory = data,
            "azure" => AzureOptions((emulators ??= await Emulators.StartAsync()).StorageConnectionString),
            _ => throw new ArgumentException($"--backends: '{backend}' is not 'sqlite' or 'azure'."),
        };
        Console.WriteLine($"== backend: {backend}");
        results[backend] = await MeasureAsync(backend, configure, backend == "azure" ? azureSagas : sagas);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
finally
{
    if (emulators is not null)
    {
        await emulators.DisposeAsync();
    }
}

if (results.TryGetValue("sqlite", out var sqliteRate) && results.TryGetValue("azure", out var azureRate) && azureRate > 0)
{
    Console.WriteLine(FormattableString.Invariant($"== ratio sqlite/azure: {sqliteRate / azureRate:F1}x"));
}

Console.WriteLine(FormattableString.Invariant($"== peak working set of this process (all phases): {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:F0} MB"));
return;

static Action<DurableRuntimeOptions> AzureOptions(string connectionString) => options =>
{
    options.Backend = DurableBackend.AzureStorage;
    options.AzureStorageConnectionString = connectionString;
    options.TaskHubName = "load" + Guid.NewGuid().ToString("N")[..10];
};

async Task<double> MeasureAsync(string backend, Action<DurableRuntimeOptions> configure, int count)
{
    var sagaCode = new LoadSagas();
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddOrderOpsDurable(configure, registry => sagaCode.Register(registry, timer));
    using var host = builder.Build();
    await host.StartAsync();
    var client = host.Services.GetRequiredService<DurableTaskClient>();
    using var deadline = new CancellationTokenSource(limit);
    try
    {
        var rate = await SagasAsync(client, count, deadline.Token);
        Console.WriteLine(FormattableString.Invariant($"{backend}: peak working set so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:F0} MB"));
        await LatencyAsync(client, sagaCode, backend, deadline.Token);
        return rate;
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine($"{backend}: stopped at the {limit} limit before finishing");
        return 0;
    }
    finally
    {
        await host.StopAsync();
        if (backend == "azure")
        {
            await host.Services.GetRequiredService<DurableTask.Core.IOrchestrationService>().DeleteAsync();
        }
    }
}

async Task<double> SagasAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
{
    var run = Guid.NewGuid().ToString("N")[..6];
    var ids = Enumerable.Range(0, count).Select(i => $"saga-{run}-{i}").ToList();
    var clock = Stopwatch.StartNew();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        await client.ScheduleNewOrchestrationInstanceAsync(LoadSagas.Saga, id, new StartOrchestrationOptions(id), ct));
    var scheduled = clock.Elapsed;
    var failed = 0;
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (id, ct) =>
    {
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, ct);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<string>() != $"{id}:reserved:charged:notified")
        {
            Interlocked.Increment(ref failed);
        }
    });
    var total = clock.Elapsed;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    var rate = count / total.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant(
        $"sagas: {count} (3 activities + {timer.TotalMilliseconds:F0} ms timer each), scheduled in {scheduled.TotalSeconds:F1} s, all done in {total.TotalSeconds:F1} s: {rate:F1} sagas/s, {cpu.TotalMilliseconds / count:F2} ms CPU per saga (this process), {failed} wrong"));
    return rate;
}

async Task LatencyAsync(DurableTaskClient client, LoadSagas sagaCode, string backend, CancellationToken cancellationToken)
{
    var run = Guid.NewGuid().ToString("N")[..6];
    var ids = Enumerable.Range(0, waiters).Select(i => $"wait-{run}-{i}").ToList();
    foreach (var id in ids)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(LoadSagas.Waiter, id, new StartOrchestrationOptions(id), cancellationToken);
    }

    foreach (var id in ids)
    {
        await client.WaitForInstanceStartAsync(id, cancellationToken);
    }

    var latencies = new List<double>(ids.Count);
    foreach (var id in ids)
    {
        var resumed = sagaCode.ResumedAsync(id);
        var raised = Stopwatch.GetTimestamp();
        await client.RaiseEventAsync(id, LoadSagas.Go, "now", cancellationToken);
        latencies.Add(Stopwatch.GetElapsedTime(raised, await resumed.WaitAsync(cancellationToken)).TotalMilliseconds);
    }

    latencies.Sort();
    Console.WriteLine(FormattableString.Invariant(
        $"{backend}: raise -> resume over {latencies.Count} events one at a time: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms"));
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
