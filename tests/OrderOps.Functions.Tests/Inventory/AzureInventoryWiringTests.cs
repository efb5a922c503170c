using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using OrderOps.Hosting.Registry;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Azure.Inventory;

namespace OrderOps.Functions.Tests.Inventory;

/// <summary>
/// With <c>Storage:Backend = Azure</c> the inventory ledger is on Cosmos DB and the publications on Table storage in
/// both hosting modes; only the standalone app keeps the ledger's change log (a Function app's Cosmos DB trigger reads
/// the container's change feed). Resolving the services connects to nothing, so no emulator is needed.
/// </summary>
public sealed class AzureInventoryWiringTests : IDisposable
{
    private const string Key = "dGhpcyBpcyBub3QgYSByZWFsIGtleSwganVzdCBhIHRlc3Qga2V5IQ==";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-wiring-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData(HostingMode.Standalone, true)]
    [InlineData(HostingMode.CustomHandler, false)]
    public void The_azure_backend_keeps_the_ledger_in_cosmos_db_in_both_modes_and_its_change_log_only_standalone(HostingMode mode, bool changeLog)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Backend"] = "Azure",
            ["OrderOps:HostingMode"] = mode.ToString(),
            ["OrderOps:DataDirectory"] = _dataDirectory,
            ["CosmosDbConnection"] = $"AccountEndpoint=https://127.0.0.1:8081/;AccountKey={Key}",
            ["StorageConnection"] = "UseDevelopmentStorage=true",
            ["ServiceBusConnection"] = $"Endpoint=sb://orderops.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOrderOps(configuration);
        using var provider = services.BuildServiceProvider();

        var ledger = Assert.IsType<CosmosInventoryLedger>(provider.GetRequiredService<IInventoryLedger>());
        Assert.Equal(changeLog, ledger.Options.ChangeLog);
        Assert.IsType<TableInventoryPublicationStore>(provider.GetRequiredService<IInventoryPublicationStore>());
    }

    [Fact]
    public void The_fan_outs_cosmos_db_trigger_watches_the_container_the_ledger_writes_its_skus_to()
    {
        var trigger = Assert.IsType<ChangeFeedTrigger>(FunctionCatalog.Create().Functions.Single(f => f.Name == "InventoryFanOut").Trigger);
        Assert.Equal((new AzureStorageOptions().InventoryContainer, new AzureStorageOptions().LeasesContainer), (trigger.ContainerName, trigger.LeaseContainerName));
    }
}
