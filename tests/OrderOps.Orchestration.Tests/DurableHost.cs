using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;

namespace OrderOps.Orchestration.Tests;

/// <summary>A running durable runtime (a generic host with <c>AddOrderOpsDurable</c>) with the sample orchestrations.</summary>
public sealed class DurableHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableHost(IHost host)
    {
        _host = host;
    }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public IServiceProvider Services => _host.Services;

    public static async Task<DurableHost> StartAsync(Action<DurableRuntimeOptions> configure, ActivityRecorder recorder)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOrderOpsDurable(configure, registry => registry.AddSamples(recorder));
        var host = builder.Build();
        await host.StartAsync();
        return new DurableHost(host);
    }

    /// <summary>On SQLite in <paramref name="directory"/>, with <paramref name="configure"/> applied after.</summary>
    public static Task<DurableHost> StartSqliteAsync(string directory, Action<DurableRuntimeOptions>? configure = null, ActivityRecorder? recorder = null) =>
        StartAsync(
            options =>
            {
                options.Sqlite.DataDirectory = directory;
                configure?.Invoke(options);
            },
            recorder ?? new ActivityRecorder());

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
