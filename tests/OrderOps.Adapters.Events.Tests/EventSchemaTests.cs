using System.Text.Json.Nodes;
using NJsonSchema;
using OrderOps.Core.Events;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events.Tests;

/// <summary>Every event type has its JSON Schema in schemas/events, and what the mapper makes validates against it.</summary>
public sealed class EventSchemaTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Types() => new(OutboundEventTypes.All);

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Every_type_has_a_schema_that_names_it(string type)
    {
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schemas", type + ".v1.schema.json")))!;
        Assert.Equal(type, schema["properties"]!["type"]!["const"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_envelopes_the_mapper_makes_validate_against_their_schemas()
    {
        var history = new[]
        {
            Event(1, OrderEventTypes.Received, null),
            Event(2, LifecycleEventTypes.Transition, new JsonObject { ["from"] = "received", ["to"] = "validated", ["trigger"] = "validate" }),
            Event(3, LifecycleEventTypes.ExceptionRaised, new JsonObject { ["exceptionId"] = "x1", ["kind"] = "insufficient-stock", ["description"] = "d", ["options"] = new JsonArray("retry", "cancel"), ["recommendedAction"] = "retry" }),
            Event(4, LifecycleEventTypes.ExceptionResolved, new JsonObject { ["exceptionId"] = "x1", ["kind"] = "insufficient-stock", ["resolution"] = "retry", ["reason"] = null }),
            Event(5, LifecycleEventTypes.ShipmentRecorded, new JsonObject
            {
                ["shipmentId"] = "s1", ["location"] = "east", ["carrier"] = "UPS", ["trackingNumber"] = "1Z",
                ["lines"] = new JsonArray(new JsonObject { ["lineId"] = "1", ["sku"] = "A", ["quantity"] = 1 }),
            }),
            Event(6, LifecycleEventTypes.Transition, new JsonObject { ["from"] = "released", ["to"] = "partially_shipped", ["trigger"] = "ship", ["shipmentId"] = "s1" }),
            Event(7, LifecycleEventTypes.TimerScheduled, new JsonObject { ["kind"] = "ship-by" }),
        };
        var events = OutboundEventMapper.FromOrderEvents("shopify:shop:1", history).ToList();
        events.Add(OutboundEventMapper.FromPublication("shopify", "A", 4, null, At, 1)!);
        events.Add(OutboundEventMapper.FromPublication("shopify", "A", 3, 4, At, 2)!);

        Assert.Equal(8, events.Count); // the timer is no business event
        foreach (var e in events)
        {
            var errors = (await Schema(e.Type)).Validate(e.ToCloudEventJson("urn:orderops"));
            Assert.True(errors.Count == 0, $"{e.Type}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public async Task A_schema_rejects_an_envelope_of_another_shape()
    {
        var e = OutboundEventMapper.FromPublication("shopify", "A", 4, null, At, 1)!;
        var envelope = JsonNode.Parse(e.ToCloudEventJson("urn:orderops"))!;
        envelope["data"]!["quantity"] = "four";

        Assert.NotEmpty((await Schema(e.Type)).Validate(envelope.ToJsonString()));
    }

    private static Task<JsonSchema> Schema(string type) =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schemas", type + ".v1.schema.json"));

    private static OrderEvent Event(long sequence, string type, JsonObject? data) =>
        new() { Sequence = sequence, Type = type, At = At, Actor = "system:lifecycle", Cause = "test", Data = data?.ToJsonString() };
}
