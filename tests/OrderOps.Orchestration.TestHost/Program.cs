using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;

// Usage: OrderOps.Orchestration.TestHost DATA_DIR EFFECTS_FILE LEASE_SECONDS
// Runs the sample orchestrations on the SQLite backend in DATA_DIR until killed; every activity run is appended to
// EFFECTS_FILE. Prints "ready" once the worker runs.
if (args.Length != 3 || !int.TryParse(args[2], out var leaseSeconds))
{
    Console.Error.WriteLine("usage: OrderOps.Orchestration.TestHost DATA_DIR EFFECTS_FILE LEASE_SECONDS");
    return 2;
}

var recorder = new ActivityRecorder(args[1]);
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddOrderOpsDurable(
    options =>
    {
        options.Sqlite.DataDirectory = args[0];
        options.Sqlite.WorkerLeaseDuration = TimeSpan.FromSeconds(leaseSeconds);
    },
    registry => registry.AddSamples(recorder));
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");
await host.WaitForShutdownAsync();
return 0;
