using System.Security.Cryptography;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Intake;

/// <summary>
/// Receives one X12 file from any way in (HTTP, the inbox): reads it once to build the 997/TA1 acknowledgments, then
/// archives it and queues it for ingest like every other channel's payload (the ingest function re-reads it with
/// <see cref="EdiChannelOrderMapper"/>). The file's interchanges are remembered as seen (duplicate detection) only
/// after the file is archived and queued: a crash in between makes the partner's resend a normal delivery again
/// instead of a "duplicate" whose orders were never queued.
/// </summary>
/// <remarks>
/// One file is archived as one payload for one partner. A file mixing interchanges of several partners is archived
/// under the first, and its ingest is recorded as a failure for an operator (partners send their own files).
/// </remarks>
public sealed class EdiIntake(EdiOptions options, IIdempotencyStore keys, InboundAcceptor acceptor, IRawArchive archive, IIngestFailureStore failures, PersistentControlNumbers controlNumbers, TimeProvider time)
{
    public const string PayloadKind = "x12";

    /// <summary>The problems that keep the EDI channel off; empty when it is configured.</summary>
    public IReadOnlyList<string> ConfigurationProblems { get; } = options.Partners.Count == 0
        ? [$"No trading partners are configured under {EdiOptions.SectionName}:Partners."]
        : options.Validate();

    /// <summary>
    /// Archives, reads, acknowledges and queues one file. When the channel is not configured the file is still archived
    /// (as <c>edi:unconfigured:{sha256}</c>) and listed under ingest failures; the result says so
    /// (<see cref="EdiIntakeResult.NotConfigured"/>) and nothing is acknowledged.
    /// </summary>
    public async Task<EdiIntakeResult> ReceiveAsync(ReadOnlyMemory<byte> file, string source, CancellationToken cancellationToken)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(file.Span));
        if (ConfigurationProblems.Count > 0)
        {
            var kept = Payload($"edi:unconfigured:{digest}", null, file, source);
            await archive.ArchiveAsync(kept, cancellationToken);
            await RecordFailureAsync(kept, "The EDI channel is not configured: " + string.Join(" ", ConfigurationProblems), cancellationToken);
            return new EdiIntakeResult(kept.Id, null, null) { NotConfigured = true };
        }

        var seen = new DeferredKeys(keys);
        EdiProcessingResult result;
        try
        {
            result = await new EdiInterchangeProcessor(options, seen, controlNumbers, time).ProcessAsync(file, cancellationToken);
        }
        catch (X12ParseException error)
        {
            var rejected = Payload($"edi:unreadable:{digest}", null, file, source);
            await archive.ArchiveAsync(rejected, cancellationToken);
            await RecordFailureAsync(rejected, $"Not readable as X12: {error.Message}", cancellationToken);
            return new EdiIntakeResult(rejected.Id, null, error);
        }

        var partner = result.Interchanges.Select(i => i.PartnerId).FirstOrDefault(p => p is not null);
        var payload = Payload($"edi:{partner ?? "unknown"}:{digest}", partner, file, source);
        if (result.Orders.Count > 0)
        {
            await acceptor.AcceptAsync(payload, $"edi-file:{digest}", ingest: true, cancellationToken);
        }
        else
        {
            await archive.ArchiveAsync(payload, cancellationToken);
        }

        foreach (var refused in result.Interchanges.Where(i => i.Status is EdiInterchangeStatus.UnknownSender or EdiInterchangeStatus.NotAddressedToUs))
        {
            await RecordFailureAsync(payload, $"Interchange {refused.ControlNumber} from {refused.Header.SenderQualifier}/{refused.Header.SenderId}: {refused.Status}.", cancellationToken);
        }

        // Only now that the orders are durably queued may a resend of these interchanges count as a duplicate.
        await seen.CommitAsync(time.GetUtcNow() + options.DuplicateInterchangeWindow, cancellationToken);
        return new EdiIntakeResult(payload.Id, result, null);
    }

    private RawPayload Payload(string id, string? partner, ReadOnlyMemory<byte> file, string source) => new()
    {
        Id = id,
        Channel = Channels.Edi,
        Account = partner,
        Kind = PayloadKind,
        ReceivedAt = time.GetUtcNow(),
        ContentType = "application/edi-x12",
        Headers = new Dictionary<string, string> { ["source"] = source },
        Body = file,
    };

    private Task RecordFailureAsync(RawPayload payload, string reason, CancellationToken cancellationToken) =>
        failures.RecordAsync(new IngestFailure { ArchiveId = payload.Id, Channel = Channels.Edi, Kind = PayloadKind, Reason = reason, At = time.GetUtcNow() }, cancellationToken);

    /// <summary>Answers "seen?" from the real store and from this file, but records nothing until <see cref="CommitAsync"/>.</summary>
    private sealed class DeferredKeys(IIdempotencyStore store) : IIdempotencyStore
    {
        private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

        public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
            _pending.Contains(key) || await store.ExistsAsync(key, cancellationToken);

        public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) => Task.FromResult(_pending.Add(key));

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => store.PurgeExpiredAsync(now, cancellationToken);

        public async Task CommitAsync(DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            foreach (var key in _pending)
            {
                await store.TryRecordAsync(key, expiresAt, cancellationToken);
            }
        }
    }
}

/// <summary>What became of a received file: where it is archived, and the acknowledgments to send back.</summary>
public sealed record EdiIntakeResult(string ArchiveId, EdiProcessingResult? Processing, X12ParseException? Unreadable)
{
    /// <summary>True when the channel is not configured: the file is archived and listed as an ingest failure, nothing more.</summary>
    public bool NotConfigured { get; init; }

    /// <summary>Every acknowledgment (997, with TA1 where due) in file order; empty when nobody can be acknowledged.</summary>
    public string Acknowledgments => Processing is null ? string.Empty : string.Concat(Processing.Interchanges.Select(i => i.Acknowledgment).Where(a => a is not null));

    /// <summary>True when no interchange came from a configured partner addressed to us.</summary>
    public bool NoKnownSender => Processing is not null && Processing.Interchanges.All(i => i.Status is EdiInterchangeStatus.UnknownSender or EdiInterchangeStatus.NotAddressedToUs);
}
