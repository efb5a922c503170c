using OrderOps.Core.Events;

namespace OrderOps.Core.Ports;

/// <summary>
/// Outbound business events waiting for their subscribers. The stores write into it inside the commit of the change an
/// event describes (<see cref="IOrderStore.SaveAsync"/>, <see cref="IInventoryPublicationStore.CompleteAsync"/>): one
/// delivery per (subscriber whose types match, event). The dispatcher drains it per subscriber, in
/// <see cref="OutboundEvent.Position"/> order per subject; a delivery is deleted once its subscriber took it.
/// </summary>
public interface IEventOutbox
{
    /// <summary>
    /// Leases work for <paramref name="subscriber"/>: for up to <paramref name="maxSubjects"/> subjects whose oldest
    /// pending delivery is due at <paramref name="now"/> and not parked, that delivery and the ones after it (at most
    /// <paramref name="perSubject"/>), lowest position first. The subject is not offered again until
    /// <paramref name="lease"/> has passed or its deliveries are completed.
    /// </summary>
    Task<IReadOnlyList<EventDelivery>> TakeDueAsync(string subscriber, DateTimeOffset now, TimeSpan lease, int maxSubjects, int perSubject, CancellationToken cancellationToken);

    /// <summary>Records outcomes: delivered ones are removed; failed ones count an attempt, wait until their retry time, maybe parked.</summary>
    Task CompleteAsync(IReadOnlyList<DeliveryCompletion> completions, CancellationToken cancellationToken);

    /// <summary>Pending deliveries of the subscriber (parked only, or all), by subject and position.</summary>
    Task<IReadOnlyList<EventDelivery>> ListAsync(string subscriber, bool parkedOnly, int limit, CancellationToken cancellationToken);

    /// <summary>Un-parks every parked delivery of the subscriber (attempts reset) and makes everything it owes due at
    /// <paramref name="now"/>, backoffs included; returns how many were parked.</summary>
    Task<int> ReplayAsync(string subscriber, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Disables (with the reason) or enables a subscriber; a disabled one keeps accumulating deliveries.</summary>
    Task SetSubscriberAsync(SubscriberStatus status, CancellationToken cancellationToken);

    /// <summary>The subscriber's recorded status; null when it was never disabled.</summary>
    Task<SubscriberStatus?> GetSubscriberAsync(string subscriber, CancellationToken cancellationToken);
}

/// <summary>One event owed to one subscriber.</summary>
public sealed record EventDelivery
{
    public required string Subscriber { get; init; }

    public required OutboundEvent Event { get; init; }

    /// <summary>When the change committed (the start of the delivery lag).</summary>
    public required DateTimeOffset CommittedAt { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public bool Parked { get; init; }

    public string? LastError { get; init; }

    /// <summary>Opaque to callers: how the backend finds this delivery again (null when subscriber, subject and position suffice).</summary>
    public string? StoreKey { get; init; }
}

public enum DeliveryCompletionKind
{
    Delivered,
    Failed,
}

public sealed record DeliveryCompletion(EventDelivery Delivery, DeliveryCompletionKind Kind)
{
    /// <summary>For <see cref="DeliveryCompletionKind.Failed"/>: when to try again.</summary>
    public DateTimeOffset RetryAt { get; init; }

    public bool Park { get; init; }

    /// <summary>What went wrong (never the body or a secret).</summary>
    public string? Error { get; init; }
}

public sealed record SubscriberStatus(string Subscriber, bool Disabled, string? Reason, DateTimeOffset At);
