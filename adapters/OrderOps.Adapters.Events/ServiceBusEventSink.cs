using Azure.Messaging.ServiceBus;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events;

/// <summary>
/// Publishes events to the Service Bus topic (<c>order-events</c>) with the SDK's <see cref="ServiceBusSender"/>, whose
/// own retry policy handles transient faults. MessageId = the event id (the topic's duplicate detection drops a resend
/// after a crash), SessionId = the subject (order id or SKU: session-enabled subscriptions receive each subject in
/// order), application property <c>type</c> for subscription filters. A message the link refuses as too large goes as a
/// claim check (<see cref="ClaimCheck"/>): the size test is the SDK's own (<see cref="ServiceBusMessageBatch.TryAddMessage"/>).
/// </summary>
public sealed class ServiceBusEventSink(ServiceBusSender sender, ClaimCheck claimCheck) : IEventSink
{
    public const string ContentType = "application/cloudevents+json";

    public string Name => ServiceBusTopicOptions.SubscriberName;

    public async Task<SinkResult> DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var e = delivery.Event;
        using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        var (body, _) = await claimCheck.EnvelopeAsync(e, int.MaxValue, cancellationToken);
        if (!batch.TryAddMessage(Message(e, body)))
        {
            (body, _) = await claimCheck.EnvelopeAsync(e, 0, cancellationToken);
            if (!batch.TryAddMessage(Message(e, body)))
            {
                return new SinkResult(SinkOutcome.Failed, "Even the claim-check envelope does not fit in a Service Bus message.");
            }
        }

        await sender.SendMessagesAsync(batch, cancellationToken);
        return SinkResult.Delivered;
    }

    public static ServiceBusMessage Message(OutboundEvent e, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = new ServiceBusMessage(new BinaryData(body))
        {
            MessageId = e.Id,
            SessionId = e.Subject,
            ContentType = ContentType,
            Subject = e.Type,
        };
        message.ApplicationProperties["type"] = e.Type;
        return message;
    }
}
