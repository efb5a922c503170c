using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrderOps.Hosting.Publishing;
using OrderOps.Hosting.Registry;
using OrderOps.Storage.Azure;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Infrastructure;

/// <summary>
/// The Bicep compiles (<see cref="BicepCompilationTests"/>); these tests read it as text and check what would still only
/// fail after a deployment: every connection and app setting the functions reference is defined by infra/ and listed
/// in local.settings.sample.json, every queue and container the registry names exists, and the Function app is a
/// Flex Consumption custom handler.
/// </summary>
public sealed partial class InfrastructureSettingsTests
{
    private static readonly FunctionRegistry Registry = FunctionCatalog.Create();
    private static readonly string MainBicep = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.bicep"));
    private static readonly string ResourcesBicep = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "resources.bicep"));
    private static readonly IReadOnlySet<string> BicepSettings = ParseBicepAppSettings(ResourcesBicep);
    private static readonly IReadOnlySet<string> SampleSettings = ParseSampleSettings();

    /// <summary>Connections the bindings use (the Functions host reads them) and the app uses (AzureConnections).</summary>
    private static readonly string[] Connections =
        [AzureConnections.Cosmos, AzureConnections.Storage, AzureConnections.ServiceBus, "AzureWebJobsStorage"];

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
        foreach (var name in Registry.Functions.SelectMany(f => ReferencedBy(FunctionMetadataWriter.Build(f))).Concat(AppSettingsTheAppReads).Distinct())
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
            "StorageConnection__tableServiceUri", "ServiceBusConnection__fullyQualifiedNamespace", "AzureWebJobsStorage__accountName",
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
    public void Every_queue_the_registry_uses_is_declared_with_dead_lettering_and_duplicate_detection()
    {
        var declared = QuotedItems(Block(MainBicep, "param queueNames array = [", "]"));
        var used = Registry.Functions.SelectMany(f => f.Outputs.OfType<QueueOutput>().Select(o => o.QueueName)
            .Concat(f.Trigger is QueueTrigger q ? [q.QueueName] : [])).Distinct();
        Assert.All(used, queue => Assert.Contains(queue, declared));

        var queueBlock = Block(ResourcesBicep, "resource queues 'Microsoft.ServiceBus/namespaces/queues@", "}]");
        Assert.Contains("requiresDuplicateDetection: true", queueBlock, StringComparison.Ordinal);
        Assert.Contains("deadLetteringOnMessageExpiration: true", queueBlock, StringComparison.Ordinal);
        Assert.Contains($"maxDeliveryCount: {new Core.Ports.QueueRetryPolicy().MaxDeliveryCount}", queueBlock, StringComparison.Ordinal);
    }

    [Fact]
    public void Cosmos_containers_exist_with_their_partition_keys_for_the_store_and_every_change_feed_trigger()
    {
        var containers = CosmosContainers().ToDictionary(c => c.Name, c => c.PartitionKey);
        Assert.Equal("/orderId", containers[new AzureStorageOptions().OrdersContainer]);
        Assert.Equal("/sku", containers["inventory"]);
        foreach (var (name, partitionKey) in new AzureStorageOptions().CosmosContainers)
        {
            Assert.True(containers.TryGetValue(name, out var declared), $"infra/resources.bicep declares no Cosmos DB container '{name}'.");
            Assert.Equal(partitionKey, declared);
        }

        foreach (var feed in Registry.Functions.Select(f => f.Trigger).OfType<ChangeFeedTrigger>())
        {
            Assert.Contains(feed.ContainerName, containers.Keys);
            Assert.Contains(feed.LeaseContainerName, containers.Keys);
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

        // Every container a blob trigger watches or a blob output writes to.
        var paths = Registry.Functions.SelectMany(f => f.Outputs.OfType<BlobOutput>().Select(o => o.Path)
            .Concat(f.Trigger is BlobTrigger b ? [b.Path] : []));
        foreach (var path in paths)
        {
            Assert.Contains($"'{path.Split('/')[0]}'", containers, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_function_app_is_a_flex_consumption_linux_custom_handler_with_a_managed_identity()
    {
        Assert.Contains("sku: { name: 'FC1', tier: 'FlexConsumption' }", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("kind: 'functionapp,linux'", ResourcesBicep, StringComparison.Ordinal);
        Assert.Contains("runtime: { name: 'custom', version: '1.0' }", ResourcesBicep, StringComparison.Ordinal);
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
        foreach (var function in Registry.Functions.Where(f => f.Trigger is BlobTrigger))
        {
            var container = ((BlobTrigger)function.Trigger).Path.Split('/')[0];
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

    /// <summary>Connection names and %Setting% references in one function.json.</summary>
    private static IEnumerable<string> ReferencedBy(JsonObject functionJson)
    {
        foreach (var binding in functionJson["bindings"]!.AsArray().Select(b => b!.AsObject()))
        {
            foreach (var (name, value) in binding)
            {
                if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
                {
                    continue;
                }

                if (name == "connection")
                {
                    yield return text;
                }

                foreach (Match match in SettingReference().Matches(text))
                {
                    yield return match.Groups[1].Value;
                }
            }
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

    private static List<string> QuotedItems(string block) => Regex.Matches(block, @"'([^']+)'").Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"%([^%]+)%")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"\{ name: '([^']+)', value: ")]
    private static partial Regex BicepSetting();

    [GeneratedRegex(@"'Microsoft\.DocumentDB/databaseAccounts/sqlDatabases/containers@[^']+' = \{\s*parent: database\s*name: '([^']+)'[\s\S]*?partitionKey: \{ paths: \[ '([^']+)' \]")]
    private static partial Regex CosmosContainer();
}
