using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;

namespace OrderOps.Orchestration.Tests;

/// <summary>A durable runtime on SQLite in a given folder, for one test.</summary>
public sealed class SqliteHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SqliteHost(IHost host)
    {
        _host = host;
    }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<SqliteHost> StartAsync(string directory, Action<DurableRuntimeOptions>? configure = null, ActivityRecorder? recorder = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOrderOpsDurable(
            options =>
            {
                options.Sqlite.DataDirectory = directory;
                configure?.Invoke(options);
            },
            registry => registry.AddSamples(recorder ?? new ActivityRecorder()));
        var host = builder.Build();
        await host.StartAsync();
        return new SqliteHost(host);
    }

    public async Task<OrchestrationMetadata> FinishedAsync(string instanceId)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, patience.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
