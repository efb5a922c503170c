namespace OrderOps.Core.Ports;

/// <summary>
/// The exception queue: what the lifecycle could not resolve by itself, waiting for a person. The order's process
/// state holds the same exceptions (the truth for that order); this store is the cross-order index operators list.
/// </summary>
public interface ILifecycleExceptionStore
{
    /// <summary>Creates or replaces the exception with this id (idempotent).</summary>
    Task UpsertAsync(LifecycleException exception, CancellationToken cancellationToken);

    Task<LifecycleException?> GetAsync(string exceptionId, CancellationToken cancellationToken);

    /// <summary>Newest first; <paramref name="openOnly"/> leaves out resolved ones.</summary>
    Task<IReadOnlyList<LifecycleException>> ListAsync(bool openOnly, string? channel, int limit, CancellationToken cancellationToken);
}

/// <summary>One thing the machine could not resolve, with what an operator needs to decide.</summary>
public sealed record LifecycleException
{
    /// <summary>Deterministic: <c>{orderId}|{kind}|{n}</c>.</summary>
    public required string ExceptionId { get; init; }

    public required string OrderId { get; init; }

    public required string Channel { get; init; }

    /// <summary>e.g. validation-failed, insufficient-stock, review-hold, release-failed, not-cancellable, timer-expired, channel-notification-failed.</summary>
    public required string Kind { get; init; }

    /// <summary>What happened, in words.</summary>
    public required string Description { get; init; }

    /// <summary>The lifecycle state the order was in.</summary>
    public required string State { get; init; }

    /// <summary>Allowed resolutions: retry, cancel, override.</summary>
    public required IReadOnlyList<string> Options { get; init; }

    public required string RecommendedAction { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>Extra context (JSON object text), e.g. shortages or the failing location.</summary>
    public string? Context { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? Resolution { get; init; }

    public string? ResolvedBy { get; init; }

    public string? ResolutionReason { get; init; }

    public bool IsOpen => ResolvedAt is null;
}
