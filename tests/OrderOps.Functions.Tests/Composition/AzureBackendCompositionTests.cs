using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using OrderOps.Core.Lifecycle;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Storage.Azure.Lifecycle;

namespace OrderOps.Functions.Tests.Composition;

/// <summary>
/// On <c>Storage:Backend=Azure</c> the lifecycle's due timers and exception queue are on Table storage whether the app
/// runs standalone or as a Function app (no instance's local disk holds them). Building the clients opens no connection.
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

    [Theory]
    [InlineData(HostingMode.Standalone)]
    [InlineData(HostingMode.CustomHandler)]
    public void Timers_and_exceptions_are_on_table_storage_in_both_hosting_modes(HostingMode mode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Backend"] = "Azure",
            ["OrderOps:HostingMode"] = mode.ToString(),
            ["OrderOps:DataDirectory"] = _dataDirectory,
            ["CosmosDbConnection"] = "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
            ["StorageConnection"] = "UseDevelopmentStorage=true",
            ["ServiceBusConnection"] = "Endpoint=sb://orderops.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOrderOps(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<TableTimerStore>(provider.GetRequiredService<ITimerStore>());
        Assert.IsType<TableLifecycleExceptionStore>(provider.GetRequiredService<ILifecycleExceptionStore>());
    }

    [Theory]
    [InlineData(HostingMode.Standalone)]
    [InlineData(HostingMode.CustomHandler)]
    public async Task Every_function_and_its_whole_dependency_graph_resolves_on_the_azure_backend(HostingMode mode)
    {
        // Composed as Program.cs composes the app, with every registration checked for constructibility up front.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(AzureConfiguration(mode));
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateOnBuild = true; o.ValidateScopes = true; });
        builder.Services.AddOrderOps(builder.Configuration);
        builder.Services.AddFunctionHosting(FunctionCatalog.Create(), mode, builder.Configuration);
        await using var app = builder.Build();
        var provider = app.Services;

        foreach (var function in FunctionCatalog.Create().Functions.Where(f => f.HandlerType is not null))
        {
            Assert.NotNull(ActivatorUtilities.GetServiceOrCreateInstance(provider, function.HandlerType!));
        }

        Assert.IsType<CosmosInventoryLedger>(provider.GetRequiredService<IInventoryLedger>());
        Assert.IsType<LedgerStockAllocator>(provider.GetRequiredService<IStockAllocator>());
        Assert.NotNull(provider.GetRequiredService<LifecycleEngine>());
    }

    private IConfiguration AzureConfiguration(HostingMode mode) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Backend"] = "Azure",
        ["OrderOps:HostingMode"] = mode.ToString(),
        ["OrderOps:DataDirectory"] = _dataDirectory,
        ["CosmosDbConnection"] = "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
        ["StorageConnection"] = "UseDevelopmentStorage=true",
        ["ServiceBusConnection"] = "Endpoint=sb://orderops.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5",
    }).Build();
}
