using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using OrderOps.Hosting.Discovery;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Storage.Azure.Lifecycle;

namespace OrderOps.Functions.Tests.Composition;

/// <summary>
/// The whole Function app composes on <c>Storage:Backend=Azure</c> in both hosting modes, as Program.cs composes it,
/// with every registration checked for constructibility up front, and every function class can be created from it.
/// Building the clients opens no connection, so no emulator is needed.
/// </summary>
public sealed class AzureBackendCompositionTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-composition-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Every_function_resolves_standalone_on_the_azure_backend()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(AzureConfiguration(HostingMode.Standalone));
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateOnBuild = true; o.ValidateScopes = true; });
        builder.Services.AddOrderOps(builder.Configuration);
        builder.Services.AddStandaloneFunctions(typeof(Program).Assembly, builder.Configuration);
        await using var app = builder.Build();

        AssertComposed(app.Services);
    }

    [Fact]
    public async Task Every_function_resolves_in_the_isolated_worker_on_the_azure_backend()
    {
        // The Functions host is not here: the worker's builder composes and builds, it is just never run.
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        builder.Configuration.AddConfiguration(AzureConfiguration(HostingMode.Functions));
        builder.Services.AddOrderOps(builder.Configuration);
        using var host = builder.Build();

        AssertComposed(host.Services);
    }

    private static void AssertComposed(IServiceProvider provider)
    {
        using var scope = provider.CreateScope();
        var functions = FunctionDiscovery.Discover(typeof(Program).Assembly);
        Assert.NotEmpty(functions);
        foreach (var type in functions.Select(f => f.Method.DeclaringType!).Distinct())
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }

        Assert.IsType<TableLifecycleExceptionStore>(provider.GetRequiredService<ILifecycleExceptionStore>());
        Assert.IsType<CosmosInventoryLedger>(provider.GetRequiredService<IInventoryLedger>());
        Assert.IsType<LedgerStockAllocator>(provider.GetRequiredService<IStockAllocator>());
        Assert.NotNull(provider.GetRequiredService<LifecycleActivities>());
    }

    private IConfiguration AzureConfiguration(HostingMode mode) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Backend"] = "Azure",
        ["OrderOps:HostingMode"] = mode.ToString(),
        ["OrderOps:DataDirectory"] = _dataDirectory,
        ["CosmosDbConnection"] = "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
        ["StorageConnection"] = "UseDevelopmentStorage=true",
        ["Channels:Amazon:PollSchedule"] = "0 */5 * * * *",
        ["Channels:Edi:InventoryAdviceSchedule"] = "0 0 * * * *",
        ["Inventory:FanOut:ReconcileSchedule"] = "0 */15 * * * *",
    }).Build();
}
