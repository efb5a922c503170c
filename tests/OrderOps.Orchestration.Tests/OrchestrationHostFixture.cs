using Microsoft.DurableTask.Client;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;

namespace OrderOps.Orchestration.Tests;

/// <summary>One running durable runtime shared by a contract class.</summary>
public abstract class OrchestrationHostFixture : IAsyncLifetime
{
    private DurableHost? _host;

    public ActivityRecorder Recorder { get; } = new();

    public DurableTaskClient Client => Host.Client;

    public IServiceProvider Services => Host.Services;

    /// <summary>Non-null when the backend is not available here (then the host is not started).</summary>
    protected virtual string? NotAvailable => null;

    private DurableHost Host => _host ?? throw new InvalidOperationException("The host did not start.");

    public async Task InitializeAsync()
    {
        if (NotAvailable is null)
        {
            _host = await DurableHost.StartAsync(Configure, Recorder);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    protected abstract void Configure(DurableRuntimeOptions options);
}
