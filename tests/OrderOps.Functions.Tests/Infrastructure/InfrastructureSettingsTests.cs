using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;
using OrderOps.Storage.Azure;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Infrastructure;

/// <summary>
/// The Bicep compiles (<see cref="BicepCompilationTests"/>); these tests read it as text and check what would still only
/// fail after a deployment: every connection and app setting the functions' triggers reference is defined by infra/,
/// listed in local.settings.sample.json and (for %settings%) given a default in appsettings.json, every queue and
/// container the functions name exists, and the Function app is a Flex Consumption .NET isolated app.
/// </summary>
public sealed partial class InfrastructureSettingsTests
{
    private static readonly IReadOnlyList<FunctionDescriptor> Functions = FunctionDiscovery.Discover(typeof(Program).Assembly);
    private static readonly string MainBicep = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.bicep"));
    private static readonly string ResourcesBicep = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "resources.bicep"));
    private static readonly IReadOnlySet<string> BicepSettings = ParseBicepAppSettings(ResourcesBicep);
    private static readonly IReadOnlySet<string> SampleSettings = ParseSampleSettings();

    /// <summary>Connections the bindings use (the Functions host reads them) and the app uses (AzureConnections).</summary>
    private static readonly string[] Connections =
        [AzureConnections.Cosmos, AzureConnections.Storage, "AzureWebJobsStorage"];

    /// <summary>Settings the app reads on Azure besides connections (configuration keys in app-setting form).</summary>
    private static readonly string[] AppSettingsTheAppReads =
        [
            "Storage__Backend", "CosmosDb__DatabaseName", "Channels__Shopify__WebhookSecret", "Channels__Shopify__PreviousWebhookSecret",
            "Channels__Amazon__ClientId", "Channels__Amazon__ClientSecret", "Channels__Edi__InterchangeReceiverId",
        ];

    /// <summary>Only meaningful in Azure: identity selection and telemetry.</summary>
    private static readonly string[] AzureOnly =
        ["AZURE_CLIENT_ID", "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];

    /// <summary>
    /// Only meaningful locally: the worker runtime (Flex Consumption takes it from functionAppConfig.runtime and refuses
    /// the setting), the app's own keys (on Azure the host checks function keys), emulator and create-on-start switches.
    /// </summary>
    private static readonly string[] LocalOnly =
        ["FUNCTIONS_WORKER_RUNTIME", "Auth__ApiKeys__0", "CosmosDb__Emulator", "Storage__CreateIfMissing"];

    public static TheoryData<string> ReferencedSettings()
    {
        var data = new TheoryData<string>();
        foreach (var name in Functions.SelectMany(ReferencedBy).Concat(AppSettingsTheAppReads).Distinct())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferencedSettings))]
    public void Every_setting_the_functions_reference_is_defined_by_the_bicep_and_the_local_sample(string setting)
    {
        Assert.True(Defines(BicepSettings, setting), $"infra/resources.bicep defines no app setting '{setting}' (nor '{setting}__...').");
        Assert.True(Defines(SampleSettings, setting), $"local.settings.sample.json lists no '{setting}' (nor '{setting}__...').");
    }

    [Fact]
    public void Identity_based_connections_name_the_service_endpoints_the_app_and_host_read()
    {
        string[] required =
        [
            "CosmosDbConnection__accountEndpoint", "StorageConnection__blobServiceUri", "StorageConnection__queueServiceUri",
            "StorageConnection__tableServiceUri", "AzureWebJobsStorage__accountName",
        ];
        Assert.All(required, name => Assert.Contains(name, BicepSettings));
        foreach (var connection in Connections)
        {
            // The host's identity-based connections pick the user-assigned identity with these two.
            Assert.Contains($"{connection}__credential", BicepSettings);
            Assert.Contains($"{connection}__clientId", BicepSettings);
        }
    }

    [Fact]
    public void The_bicep_and_the_local_sample_list_the_same_settings()
    {
        var azure = BicepSettings.Select(Logical).Except(AzureOnly).ToHashSet();
        var local = SampleSettings.Select(Logical).Except(LocalOnly).ToHashSet();
        Assert.Equal(azure.Order(), local.Order());
    }

    [Fact]
    public void Every_queue_a_function_is_triggered_by_is_declared_with_its_poison_queue()
    {
        var queues = Block(MainBicep, "param queueNames array = [", "]");
        foreach (var queue in Functions.Select(f => f.Trigger).OfType<QueueTriggerAttribute>().Select(q => q.QueueName))
        {
            Assert.Contains($"'{queue}'", queues, StringComparison.Ordinal);
        }

        Assert.Contains("[for name in flatten(map(queueNames, q => [q, '${q}-poison'])): {", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("roles.storageQueueDataContributor", Block(ResourcesBicep, "var storageRoles = [", "]"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_schedule_setting_has_a_default_for_standalone_mode()
    {
        var appsettings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "functions", "OrderOps.Functions", "appsettings.json"))
            .Build();
        foreach (var function in Functions.Where(f => f.Trigger is TimerTriggerAttribute))
        {
            // Resolving fails naming the setting when appsettings.json lacks it.
            Assert.NotEmpty(SettingExpressions.Resolve(((TimerTriggerAttribute)function.Trigger).Schedule, appsettings));
        }
    }

    [Fact]
    public void Cosmos_containers_exist_with_their_partition_keys()
    {
        var containers = CosmosContainers().ToDictionary(c => c.Name, c => c.PartitionKey);
        Assert.Equal("/orderId", containers[new AzureStorageOptions().OrdersContainer]);
        Assert.Equal("/sku", containers["inventory"]);
        foreach (var (name, partitionKey) in new AzureStorageOptions().CosmosContainers)
        {
            Assert.True(containers.TryGetValue(name, out var declared), $"infra/resources.bicep declares no Cosmos DB container '{name}'.");
            Assert.Equal(partitionKey, declared);
        }

        Assert.Contains("'EnableServerless'", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains($"var databaseName = '{new AzureStorageOptions().DatabaseName}'", ResourcesBicep, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tables_and_blob_containers_the_backend_uses_are_declared()
    {
        var options = new AzureStorageOptions();
        foreach (var table in options.Tables)
        {
            Assert.Contains($"'{table}'", Block(ResourcesBicep, "resource tables '", "}]"), StringComparison.Ordinal);
        }

        var containers = Block(ResourcesBicep, "resource blobContainers '", "}]");
        Assert.Contains($"'{options.RawArchiveContainer}'", containers, StringComparison.Ordinal);

        // Every container a blob trigger watches, and the outbox its acknowledgments go to.
        foreach (var blob in Functions.Select(f => f.Trigger).OfType<BlobTriggerAttribute>())
        {
            Assert.Contains($"'{BlobPath.Parse(blob.BlobPath).Container}'", containers, StringComparison.Ordinal);
        }

        Assert.Contains($"'{OrderOps.Functions.Edi.EdiInboxFunction.Outbox}'", containers, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_is_a_flex_consumption_linux_dotnet_isolated_app_with_a_managed_identity()
    {
        Assert.Contains("sku: { name: 'FC1', tier: 'FlexConsumption' }", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("kind: 'functionapp,linux'", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("runtime: { name: 'dotnet-isolated', version: '10.0' }", ResourcesBicep, StringComparison.Ordinal);
        Assert.DoesNotContain("custom", Block(ResourcesBicep, "runtime: {", "}"), StringComparison.Ordinal);
        Assert.Contains("type: 'UserAssigned'", ResourcesBicep, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", BicepSettings);
        Assert.Contains("'azd-service-name': 'api'", ResourcesBicep, StringComparison.Ordinal);
        var azureYaml = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        Assert.Contains("project: ./functions/OrderOps.Functions", azureYaml, StringComparison.Ordinal);
        Assert.Contains("host: function", azureYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_blob_trigger_is_subscribed_to_event_grid_after_deploy()
    {
        var hook = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "hooks", "postdeploy.sh"));
        Assert.Contains("'Microsoft.EventGrid/systemTopics@", ResourcesBicep, StringComparison.Ordinal);
        foreach (var function in Functions.Where(f => f.Trigger is BlobTriggerAttribute))
        {
            var container = BlobPath.Parse(((BlobTriggerAttribute)function.Trigger).BlobPath).Container;
            Assert.Contains($"{function.Name}:{container}", hook, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Channels__Shopify__WebhookSecret")]
    [InlineData("Channels__Shopify__PreviousWebhookSecret")]
    [InlineData("Channels__Amazon__ClientSecret")]
    public void Channel_secrets_come_from_key_vault_references(string name)
    {
        var setting = Regex.Match(ResourcesBicep, $@"\{{ name: '{name}', value: ([^\n]*) \}}").Groups[1].Value;
        Assert.Contains("${keyVaultReference}", setting, StringComparison.Ordinal);
        Assert.Contains("var keyVaultReference = '@Microsoft.KeyVault(VaultName=", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("keyVaultReferenceIdentity: identity.id", ResourcesBicep, StringComparison.Ordinal);
    }

    /// <summary>The connection names and %Setting% references (in app-setting form) of one function's trigger.</summary>
    private static IEnumerable<string> ReferencedBy(FunctionDescriptor function)
    {
        var (connection, expressions) = function.Trigger switch
        {
            QueueTriggerAttribute queue => (queue.Connection, new[] { queue.QueueName }),
            BlobTriggerAttribute blob => (blob.Connection, new[] { blob.BlobPath }),
            TimerTriggerAttribute timer => (null, new[] { timer.Schedule }),
            HttpTriggerAttribute http => (null, new[] { http.Route ?? string.Empty }),

            // Orchestrators and activities run on the Durable extension's task hub: host.json names its connection.
            OrchestrationTriggerAttribute or ActivityTriggerAttribute => (OrderOps.Functions.Connections.Storage, Array.Empty<string>()),
            _ => throw new InvalidOperationException($"No settings rule for {function.Trigger.GetType().Name}."),
        };
        if (connection is not null)
        {
            yield return connection;
        }

        foreach (var name in expressions.SelectMany(SettingExpressions.Names))
        {
            yield return name.Replace(":", "__", StringComparison.Ordinal);
        }
    }

    private static bool Defines(IReadOnlySet<string> settings, string name) =>
        settings.Contains(name) || settings.Any(s => s.StartsWith(name + "__", StringComparison.Ordinal));

    /// <summary>A connection's settings (<c>X</c> or <c>X__anything</c>) count as the one logical setting <c>X</c>.</summary>
    private static string Logical(string setting) =>
        Connections.FirstOrDefault(c => setting == c || setting.StartsWith(c + "__", StringComparison.Ordinal)) ?? setting;

    private static HashSet<string> ParseBicepAppSettings(string bicep) =>
        BicepSetting().Matches(Block(bicep, "var appSettings = [", "\n]")).Select(m => m.Groups[1].Value).ToHashSet();

    private static HashSet<string> ParseSampleSettings()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")))!;
        return sample["Values"]!.AsObject().Select(p => p.Key).ToHashSet();
    }

    private static IEnumerable<(string Name, string PartitionKey)> CosmosContainers() =>
        CosmosContainer().Matches(ResourcesBicep).Select(m => (m.Groups[1].Value, m.Groups[2].Value));

    private static string Block(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found.");
        var to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return text[from..to];
    }

    [GeneratedRegex(@"\{ name: '([^']+)', value: ")]
    private static partial Regex BicepSetting();

    [GeneratedRegex(@"'Microsoft\.DocumentDB/databaseAccounts/sqlDatabases/containers@[^']+' = \{\s*parent: database\s*name: '([^']+)'[\s\S]*?partitionKey: \{ paths: \[ '([^']+)' \]")]
    private static partial Regex CosmosContainer();
}
