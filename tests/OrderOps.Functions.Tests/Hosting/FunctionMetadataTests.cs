using System.Text.Json.Nodes;
using Cronos;
using Microsoft.Extensions.Configuration;
using OrderOps.Hosting.Publishing;
using OrderOps.Hosting.Registry;
using OrderOps.Hosting.Standalone;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Hosting;

public class FunctionMetadataTests
{
    private static readonly FunctionRegistry Registry = FunctionCatalog.Create();

    public static TheoryData<string, string> TemplatesByTrigger => new()
    {
        { "Health", "azure_template_HttpTrigger-Custom_function.json" },
        { "PurgeIdempotencyKeys", "azure_template_TimerTrigger-Custom_function.json" },
        { "Lifecycle", "azure_template_ServiceBusQueueTrigger-Custom_function.json" },
    };

    [Theory]
    [MemberData(nameof(TemplatesByTrigger))]
    public void Generated_bindings_have_every_member_of_microsofts_template(string function, string template)
    {
        var expected = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("azure", template)))!["bindings"]!.AsArray();
        var actual = FunctionMetadataWriter.Build(Registry[function])["bindings"]!.AsArray();

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            foreach (var (name, value) in expected[i]!.AsObject())
            {
                Assert.True(actual[i]!.AsObject().ContainsKey(name), $"{function} binding {i} lacks '{name}'.");
                Assert.Equal(value!.GetValueKind(), actual[i]![name]!.GetValueKind());
            }

            Assert.Equal(expected[i]!["type"]!.GetValue<string>(), actual[i]!["type"]!.GetValue<string>());
            Assert.Equal(expected[i]!["direction"]!.GetValue<string>(), actual[i]!["direction"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Ingest_declares_its_service_bus_output_to_the_lifecycle_queue()
    {
        var bindings = FunctionMetadataWriter.Build(Registry["IngestOrder"])["bindings"]!.AsArray();

        Assert.Equal(("serviceBusTrigger", "ingest"), (bindings[0]!["type"]!.GetValue<string>(), bindings[0]!["queueName"]!.GetValue<string>()));
        Assert.Equal(("serviceBus", "out", "lifecycle", "lifecycle"),
            (bindings[1]!["type"]!.GetValue<string>(), bindings[1]!["direction"]!.GetValue<string>(), bindings[1]!["name"]!.GetValue<string>(), bindings[1]!["queueName"]!.GetValue<string>()));
    }

    [Fact]
    public void Http_functions_carry_their_route_methods_and_auth_level()
    {
        var trigger = FunctionMetadataWriter.Build(Registry["GetOrder"])["bindings"]![0]!;
        Assert.Equal(("api/orders/{orderId}", "function", "get"), (trigger["route"]!.GetValue<string>(), trigger["authLevel"]!.GetValue<string>(), trigger["methods"]![0]!.GetValue<string>()));
        Assert.Equal("anonymous", FunctionMetadataWriter.Build(Registry["ShopifyWebhook"])["bindings"]![0]!["authLevel"]!.GetValue<string>());
    }

    [Fact]
    public void Every_timer_schedule_is_a_valid_six_field_ncrontab_expression()
    {
        foreach (var timer in Registry.Functions.Select(f => f.Trigger).OfType<TimerTrigger>())
        {
            var schedule = TimerPump.ResolveSchedule(timer, new ConfigurationBuilder().Build());
            Assert.NotNull(schedule.GetNextOccurrence(DateTime.UtcNow));
        }

        Assert.Throws<InvalidOperationException>(() => TimerPump.ResolveSchedule(new TimerTrigger("*/5 * * * *"), new ConfigurationBuilder().Build()));
    }

    [Fact]
    public void A_configured_schedule_overrides_the_default_and_is_referenced_as_an_app_setting()
    {
        var trigger = new TimerTrigger("0 */5 * * * *", "Channels:Amazon:PollSchedule");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Channels:Amazon:PollSchedule"] = "0 0 * * * *" }).Build();

        Assert.Equal(CronExpression.Parse("0 0 * * * *", CronFormat.IncludeSeconds), TimerPump.ResolveSchedule(trigger, configuration));
        var binding = FunctionMetadataWriter.Build(new FunctionDefinition { Name = "Poll", Trigger = trigger, HandlerType = typeof(Operations.PurgeIdempotencyKeysFunction) })["bindings"]![0]!;
        Assert.Equal("%Channels__Amazon__PollSchedule%", binding["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void The_registry_refuses_duplicates_bad_names_and_http_outputs()
    {
        var registry = new FunctionRegistry().AddHttp("A", "a", "GET", HttpAuthLevel.Function, () => "a");
        Assert.Throws<ArgumentException>(() => registry.AddHttp("a", "b", "GET", HttpAuthLevel.Function, () => "b"));
        Assert.Throws<ArgumentException>(() => registry.AddHttp("1bad", "c", "GET", HttpAuthLevel.Function, () => "c"));
        Assert.Throws<ArgumentException>(() => registry.Add(new FunctionDefinition
        {
            Name = "WithOutput",
            Trigger = new HttpTrigger("d", ["POST"], HttpAuthLevel.Function),
            HttpHandler = () => "d",
            Outputs = [new QueueOutput("out", "q")],
        }));
        Assert.Throws<ArgumentException>(() => registry.Add(new FunctionDefinition { Name = "NoHandler", Trigger = new QueueTrigger("q") }));
    }

    [Fact]
    public void Change_feed_and_blob_triggers_bind_as_flex_consumption_with_an_identity_needs_them()
    {
        var feed = FunctionMetadataWriter.Build(new FunctionDefinition { Name = "Fanout", Trigger = new ChangeFeedTrigger("inventory"), HandlerType = typeof(Operations.PurgeIdempotencyKeysFunction) })["bindings"]![0]!;
        Assert.Equal(
            ("cosmosDBTrigger", "CosmosDbConnection", "%CosmosDb__DatabaseName%", "inventory", "leases", false),
            (feed["type"]!.GetValue<string>(), feed["connection"]!.GetValue<string>(), feed["databaseName"]!.GetValue<string>(),
             feed["containerName"]!.GetValue<string>(), feed["leaseContainerName"]!.GetValue<string>(), feed["createLeaseContainerIfNotExists"]!.GetValue<bool>()));

        var blob = FunctionMetadataWriter.Build(new FunctionDefinition { Name = "Inbox", Trigger = new BlobTrigger("edi-inbox/{name}"), HandlerType = typeof(Operations.PurgeIdempotencyKeysFunction) })["bindings"]![0]!;
        Assert.Equal(("blobTrigger", "edi-inbox/{name}", "StorageConnection", "EventGrid"), (blob["type"]!.GetValue<string>(), blob["path"]!.GetValue<string>(), blob["connection"]!.GetValue<string>(), blob["source"]!.GetValue<string>()));
    }
}
