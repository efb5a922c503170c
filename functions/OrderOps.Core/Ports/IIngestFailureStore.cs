namespace OrderOps.Core.Ports;

/// <summary>Payloads that were accepted but could not become orders: kept so an operator can see and replay them.</summary>
public interface IIngestFailureStore
{
    Task RecordAsync(IngestFailure failure, CancellationToken cancellationToken);

    Task<IReadOnlyList<IngestFailure>> ListAsync(string? channel, int limit, CancellationToken cancellationToken);
}

public sealed record IngestFailure
{
    /// <summary>The archived payload that failed; with <see cref="Reason"/> it identifies the failure.</summary>
    public required string ArchiveId { get; init; }

    public required string Channel { get; init; }

    public required string Kind { get; init; }

    public required string Reason { get; init; }

    /// <summary>Field-level problems where the payload mapped but did not validate.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    public required DateTimeOffset At { get; init; }
}
