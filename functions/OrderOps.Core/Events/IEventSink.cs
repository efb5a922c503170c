using OrderOps.Core.Ports;

namespace OrderOps.Core.Events;

/// <summary>Where one subscriber's events go: a webhook URL or the Service Bus topic.</summary>
public interface IEventSink
{
    /// <summary>The subscriber name deliveries are stored under.</summary>
    string Name { get; }

    /// <summary>Delivers one event (its own retries with backoff included); the outcome says what the dispatcher does next.</summary>
    Task<SinkResult> DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken);
}

public enum SinkOutcome
{
    Delivered,

    /// <summary>Failed for now: try again after the dispatcher's backoff (or <see cref="SinkResult.RetryAfter"/>).</summary>
    Failed,

    /// <summary>The subscriber says it is gone for good (HTTP 410): disable it and tell an operator.</summary>
    Gone,
}

public sealed record SinkResult(SinkOutcome Outcome, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static SinkResult Delivered { get; } = new(SinkOutcome.Delivered);
}
