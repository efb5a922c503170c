using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using Microsoft.Azure.Functions.Worker;
using OrderOps.Hosting.Discovery;
using OrderOps.Storage.Azure.Inventory;

namespace OrderOps.Functions.Tests.Inventory;

/// <summary>
/// With <c>Storage:Backend = Azure</c> the inventory ledger is on Cosmos DB and the publications on Table storage in
/// both hosting modes, and neither keeps the ledger's change log: the ledger's commits wake the fan-out through the
/// inventory-changes Storage queue. Resolving the services connects to nothing, so no emulator is needed.
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
    [InlineData(HostingMode.Standalone)]
    [InlineData(HostingMode.Functions)]
    public void The_azure_backend_keeps_the_ledger_in_cosmos_db_in_both_modes_without_a_change_log(HostingMode mode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Backend"] = "Azure",
            ["OrderOps:HostingMode"] = mode.ToString(),
            ["OrderOps:DataDirectory"] = _dataDirectory,
            ["CosmosDbConnection"] = $"AccountEndpoint=https://127.0.0.1:8081/;AccountKey={Key}",
            ["StorageConnection"] = "UseDevelopmentStorage=true",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOrderOps(configuration);
        using var provider = services.BuildServiceProvider();

        var ledger = Assert.IsType<CosmosInventoryLedger>(provider.GetRequiredService<IInventoryLedger>());
        Assert.False(ledger.Options.ChangeLog);
        Assert.IsType<TableInventoryPublicationStore>(provider.GetRequiredService<IInventoryPublicationStore>());
    }

    [Fact]
    public void The_fan_out_is_triggered_by_the_queue_the_ledger_commits_write_to()
    {
        var fanOut = FunctionDiscovery.Discover(typeof(Program).Assembly).Single(f => f.Name == "InventoryFanOut");
        var trigger = Assert.IsType<QueueTriggerAttribute>(fanOut.Trigger);
        Assert.Equal((QueueNames.InventoryChanges, "StorageConnection"), (trigger.QueueName, trigger.Connection));
    }
}
