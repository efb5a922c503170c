using System.Text.Json;
using System.Text.Json.Nodes;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Publishing;

/// <summary>
/// Writes the <c>{FunctionName}/function.json</c> files the Azure Functions host reads, from the registry, so the
/// bindings deployed to Azure are exactly the functions the app serves.
/// </summary>
public static class FunctionMetadataWriter
{
    /// <summary>The Cosmos DB database that change-feed triggers watch.</summary>
    public const string CosmosDatabaseSetting = "%CosmosDb__DatabaseName%";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<string> WriteAll(FunctionRegistry registry, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var written = new List<string>();
        foreach (var function in registry.Functions)
        {
            var folder = Path.Combine(outputDirectory, function.Name);
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, "function.json");
            File.WriteAllText(file, Build(function).ToJsonString(Indented));
            written.Add(file);
        }

        return written;
    }

    public static JsonObject Build(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var bindings = new JsonArray { TriggerBinding(function.Trigger) };
        if (function.Trigger is HttpTrigger)
        {
            bindings.Add(new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" });
        }

        foreach (var output in function.Outputs)
        {
            bindings.Add(output switch
            {
                QueueOutput q => new JsonObject { ["type"] = "serviceBus", ["direction"] = "out", ["name"] = q.Name, ["queueName"] = q.QueueName, ["connection"] = q.Connection },
                BlobOutput b => new JsonObject { ["type"] = "blob", ["direction"] = "out", ["name"] = b.Name, ["path"] = b.Path, ["connection"] = b.Connection },
                _ => throw new NotSupportedException($"No function.json mapping for {output.GetType().Name}."),
            });
        }

        return new JsonObject { ["bindings"] = bindings };
    }

    /// <summary>App setting form of a configuration key: <c>Channels:Amazon:PollSchedule</c> → <c>Channels__Amazon__PollSchedule</c>.</summary>
    public static string AppSettingName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static JsonObject TriggerBinding(FunctionTrigger trigger) => trigger switch
    {
        HttpTrigger http => new JsonObject
        {
            ["type"] = "httpTrigger",
            ["direction"] = "in",
            ["name"] = http.BindingName,
            ["authLevel"] = http.AuthLevel == HttpAuthLevel.Function ? "function" : "anonymous",
            ["methods"] = new JsonArray(http.Methods.Select(m => (JsonNode)m.ToLowerInvariant()).ToArray()),
            ["route"] = http.Route,
        },
        TimerTrigger timer => new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = timer.BindingName,
            ["schedule"] = timer.ScheduleSetting is { } setting ? $"%{AppSettingName(setting)}%" : timer.Schedule,
            ["runOnStartup"] = timer.RunOnStartup,
            ["useMonitor"] = true,
        },
        QueueTrigger queue => new JsonObject
        {
            ["type"] = "serviceBusTrigger",
            ["direction"] = "in",
            ["name"] = queue.BindingName,
            ["queueName"] = queue.QueueName,
            ["connection"] = queue.Connection,
        },
        ChangeFeedTrigger feed => new JsonObject
        {
            ["type"] = "cosmosDBTrigger",
            ["direction"] = "in",
            ["name"] = feed.BindingName,
            ["connection"] = feed.Connection,
            ["databaseName"] = CosmosDatabaseSetting,
            ["containerName"] = feed.ContainerName,
            ["leaseContainerName"] = feed.LeaseContainerName,
            // infra/ creates the leases container: the app's identity has Cosmos DB data-plane rights only.
            ["createLeaseContainerIfNotExists"] = false,
            ["startFromBeginning"] = false,
        },
        BlobTrigger blob => new JsonObject
        {
            ["type"] = "blobTrigger",
            ["direction"] = "in",
            ["name"] = blob.BindingName,
            ["path"] = blob.Path,
            ["connection"] = blob.Connection,
            // Flex Consumption runs only the event-based blob trigger (an Event Grid subscription on the container).
            ["source"] = "EventGrid",
        },
        _ => throw new NotSupportedException($"No function.json mapping for {trigger.GetType().Name}."),
    };
}
