using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
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
}
