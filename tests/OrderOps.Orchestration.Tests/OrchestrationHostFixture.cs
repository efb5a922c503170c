using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;

namespace OrderOps.Orchestration.Tests;

/// <summary>One running durable runtime (a generic host with <c>AddOrderOpsDurable</c>) shared by a contract class.</summary>
public abstract class OrchestrationHostFixture : IAsyncLifetime
{
    private IHost? _host;

    public ActivityRecorder Recorder { get; } = new();

    public DurableTaskClient Client => _host?.Services.GetRequiredService<DurableTaskClient>()
        ?? throw new InvalidOperationException("The host did not start.");

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The host did not start.");

    /// <summary>Non-null when the backend is not available here (then the host is not started).</summary>
    protected virtual string? NotAvailable => null;

    public async Task InitializeAsync()
    {
        if (NotAvailable is not null)
        {
            return;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOrderOpsDurable(Configure, registry => registry.AddSamples(Recorder));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    protected abstract void Configure(DurableRuntimeOptions options);
}
