using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Moq;
using OrderOps.Adapters.Events;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events.Tests;

/// <summary>
/// The Service Bus sink against Moq mocks of the SDK's mockable <see cref="ServiceBusSender"/>, with batches made by
/// <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/> (the SDK's guidance for unit tests; no emulator runs here).
/// </summary>
public sealed class ServiceBusEventSinkTests
{
    private readonly List<ServiceBusMessage> _batched = [];
    private readonly Mock<ServiceBusSender> _sender = new();
    private readonly MemoryDocuments _documents = new();

    public ServiceBusEventSinkTests()
    {
        // The link's limit, as the real batch enforces it: 256 KB for the whole message.
        _sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => ServiceBusModelFactory.ServiceBusMessageBatch(
                256 * 1024, _batched, new CreateMessageBatchOptions(), message => message.Body.ToMemory().Length <= 250 * 1024));
    }

    [Fact]
    public async Task An_event_is_one_message_keyed_for_duplicate_detection_sessions_and_filters()
    {
        var delivery = TestEvents.Delivery();

        var result = await Sink().DeliverAsync(delivery, default);

        Assert.Equal(SinkOutcome.Delivered, result.Outcome);
        _sender.Verify(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()), Times.Once);
        var message = Assert.Single(_batched);
        Assert.Equal((delivery.Event.Id, "o-1", "application/cloudevents+json", "orderops.order.received"),
            (message.MessageId, message.SessionId, message.ContentType, message.ApplicationProperties["type"] as string));
        var envelope = JsonNode.Parse(message.Body.ToString())!;
        Assert.Equal(("1.0", delivery.Event.Id, "o-1"), (envelope["specversion"]!.GetValue<string>(), envelope["id"]!.GetValue<string>(), envelope["subject"]!.GetValue<string>()));
        Assert.Equal("o-1", envelope["data"]!["orderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_envelope_the_link_refuses_as_too_large_goes_as_a_claim_check_never_dropped()
    {
        var delivery = TestEvents.Delivery(TestEvents.Large());

        var result = await Sink().DeliverAsync(delivery, default);

        Assert.Equal(SinkOutcome.Delivered, result.Outcome);
        var message = Assert.Single(_batched);
        var reference = JsonNode.Parse(message.Body.ToString())!;
        Assert.Null(reference["data"]);
        Assert.Equal($"event-bodies/{delivery.Event.Id}.json", reference["dataref"]!.GetValue<string>());
        Assert.Equal(delivery.Event.Id, message.MessageId);
        Assert.Contains(new string('x', 300 * 1024), _documents.Documents[$"event-bodies/{delivery.Event.Id}.json"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_the_sdk_gives_up_on_surfaces_to_the_dispatcher()
    {
        _sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy));

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => Sink().DeliverAsync(TestEvents.Delivery(), default));
        Assert.Equal(ServiceBusFailureReason.ServiceBusy, error.Reason);
    }

    private ServiceBusEventSink Sink() => new(_sender.Object, new ClaimCheck(_documents, new EventDeliveryOptions()));
}
