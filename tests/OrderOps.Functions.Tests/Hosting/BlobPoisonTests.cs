using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>
/// A file whose function runs out of memory every time (what a 100 MB segment did to the old inbox) ends in the poison
/// folder with the error beside it after MaxBlobAttempts, and a file dropped after it is processed meanwhile.
/// </summary>
public sealed class BlobPoisonTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-blob-poison", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task A_file_that_always_runs_out_of_memory_is_poisoned_and_does_not_block_the_next()
    {
        var options = new StandaloneOptions { DataDirectory = _dataDirectory, BlobPollInterval = TimeSpan.FromMilliseconds(10), MaxBlobAttempts = 3 };
        var inbox = BlobFolderPump.ContainerFolder(options, ProbeFunction.Container);
        Directory.CreateDirectory(inbox);
        await File.WriteAllTextAsync(Path.Combine(inbox, "huge.x12"), "ISA*");
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "huge.x12"), DateTime.UtcNow.AddMinutes(-1));
        await File.WriteAllTextAsync(Path.Combine(inbox, "next.x12"), "ISA*");

        await using var services = new ServiceCollection().AddLogging().AddSingleton<ProbeLog>().BuildServiceProvider();
        var log = services.GetRequiredService<ProbeLog>();
        var pump = new BlobFolderPump(new FunctionInvoker(services.GetRequiredService<IServiceScopeFactory>(), NullLogger<FunctionInvoker>.Instance), TimeProvider.System, Options.Create(options), NullLogger<BlobFolderPump>.Instance);
        var probe = FunctionDiscovery.Discover(typeof(ProbeFunction).Assembly).Single(f => f.Name == ProbeFunction.Name);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = pump.RunAsync(probe, stop.Token);

        var poisonFolder = BlobFolderPump.ContainerFolder(options, ProbeFunction.Container + "-poison");
        while (!Directory.Exists(poisonFolder) || Directory.GetFiles(poisonFolder, "*-huge.x12.error.txt").Length == 0)
        {
            Assert.False(running.IsCompleted, "The pump stopped.");
            await Task.Delay(10, stop.Token);
        }

        // Stopping may end the pump with a cancellation or quietly, depending on where it was: either is a stop.
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        var error = await File.ReadAllTextAsync(Directory.GetFiles(poisonFolder, "*-huge.x12.error.txt").Single());
        Assert.Contains("failed 3 times", error, StringComparison.Ordinal);
        Assert.Contains(nameof(OutOfMemoryException), error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(inbox));
        Assert.Single(Directory.GetFiles(BlobFolderPump.ContainerFolder(options, ProbeFunction.Container + "-processed"), "*-next.x12"));

        // The later file went through between the bad file's first and last attempt, not after it was given up.
        var events = log.Events.ToList();
        Assert.Equal(3, events.Count(e => e == "huge.x12"));
        Assert.True(events.IndexOf("next.x12") < events.LastIndexOf("huge.x12"), string.Join(", ", events));
    }

    public sealed class ProbeLog
    {
        public ConcurrentQueue<string> Events { get; } = new();
    }

    public sealed class ProbeFunction(ProbeLog log)
    {
        public const string Name = "BlobPoisonProbe";
        public const string Container = "probe-inbox";

        [Function(Name)]
        public Task RunAsync([BlobTrigger(Container + "/{name}")] Stream blob, string name, CancellationToken cancellationToken)
        {
            log.Events.Enqueue(name);
            return name.StartsWith("huge", StringComparison.Ordinal)
                ? throw new OutOfMemoryException("Array dimensions exceeded supported range.")
                : Task.CompletedTask;
        }
    }
}
