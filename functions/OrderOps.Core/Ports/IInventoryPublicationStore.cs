namespace OrderOps.Core.Ports;

/// <summary>
/// What each channel was last told per SKU, and the pushes still owed to it. Pending pushes are the fan-out's
/// durable outbox: one row per (channel, SKU) holding the latest value to publish, so a burst of changes
/// overwrites one row (coalescing) and a failing channel accumulates at most one row per SKU.
/// </summary>
public interface IInventoryPublicationStore
{
    Task<IReadOnlyDictionary<string, PublicationState>> GetStatesAsync(string channel, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>
    /// Upserts pending pushes. A row that already waits takes the new quantity (its version increases); its due
    /// time becomes the later of the two, so a push in backoff or parked is not hurried by new changes.
    /// </summary>
    Task ScheduleAsync(IReadOnlyList<ScheduledPush> pushes, CancellationToken cancellationToken);

    /// <summary>Leases up to <paramref name="limit"/> pushes due at <paramref name="now"/> for <paramref name="leaseDuration"/>.</summary>
    Task<IReadOnlyList<PendingPush>> TakeDueAsync(string channel, DateTimeOffset now, TimeSpan leaseDuration, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records what the pushes achieved. A success records the published quantity and removes the pending row
    /// unless it was rescheduled with a newer value meanwhile (then it stays, due at its own time).
    /// </summary>
    Task CompleteAsync(IReadOnlyList<PushCompletion> completions, CancellationToken cancellationToken);

    /// <summary>When the next pending push of the channel is due (null when none wait).</summary>
    Task<DateTimeOffset?> NextDueAsync(string channel, CancellationToken cancellationToken);

    Task<IReadOnlyList<PendingPush>> ListPendingAsync(string channel, bool parkedOnly, int limit, CancellationToken cancellationToken);
}

public sealed record PublicationState(string Channel, string Sku, int? PublishedQuantity, DateTimeOffset? PublishedAt, DateTimeOffset? LastAttemptAt, PendingPush? Pending);

public sealed record ScheduledPush(string Channel, string Sku, int Quantity, DateTimeOffset DueAt, DateTimeOffset ChangedAt);

public sealed record PendingPush
{
    public required string Channel { get; init; }

    public required string Sku { get; init; }

    public required int Quantity { get; init; }

    /// <summary>Increases every time the row takes a new quantity; completions quote the version they pushed.</summary>
    public required long Version { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    /// <summary>When the ledger change behind the oldest unpublished value committed (for latency metrics).</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>Consecutive failed attempts.</summary>
    public int Attempts { get; init; }

    public bool Parked { get; init; }

    public string? LastError { get; init; }

    /// <summary>What the channel was last told successfully; null when never.</summary>
    public int? PublishedQuantity { get; init; }
}

public enum PushCompletionKind
{
    /// <summary>The channel accepted the quantity.</summary>
    Published,

    /// <summary>The channel does not list the SKU (no mapping): nothing to publish; the pending row is dropped.</summary>
    NotListed,

    /// <summary>Try again after the backoff (or the channel's Retry-After), parking after too many attempts.</summary>
    Failed,

    /// <summary>Not attempted (the channel looked down this round): due again at RetryAt, attempts unchanged.</summary>
    Deferred,
}

public sealed record PushCompletion(string Channel, string Sku, long Version, int Quantity, PushCompletionKind Kind, DateTimeOffset At)
{
    /// <summary>For <see cref="PushCompletionKind.Failed"/>: when to try again and whether it is now parked.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    public bool Park { get; init; }

    public string? Error { get; init; }

    /// <summary>For <see cref="PushCompletionKind.Failed"/>: <see cref="RetryAt"/> is the channel's Retry-After, longer than the backoff.</summary>
    public bool RetryAfterHonoured { get; init; }
}
