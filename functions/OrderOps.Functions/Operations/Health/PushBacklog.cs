using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations.Health;

/// <summary>What one channel is owed in inventory pushes, for the health check and the gauges alike.</summary>
internal sealed record PushBacklog(int Pending, int Parked, TimeSpan OldestWait, string? LastError)
{
    /// <summary>When the first parked push is tried again (parked pushes wake up on their own); null when none is parked.</summary>
    public DateTimeOffset? ParkedUntil { get; init; }

    /// <summary>At most this many owed pushes are read per channel; more means the channel is far behind anyway.</summary>
    public const int Sample = 1000;

    public static async Task<PushBacklog> ReadAsync(IInventoryPublicationStore publications, string channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owed = await publications.ListPendingAsync(channel, parkedOnly: false, Sample, cancellationToken);
        return new PushBacklog(
            owed.Count,
            owed.Count(p => p.Parked),
            owed.Count == 0 ? TimeSpan.Zero : now - owed.Min(p => p.ChangedAt),
            owed.Where(p => p.LastError is not null).Select(p => p.LastError).FirstOrDefault())
        {
            ParkedUntil = owed.Where(p => p.Parked).Select(p => (DateTimeOffset?)p.DueAt).Min(),
        };
    }
}
