using System.Runtime.InteropServices;
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

    /// <summary>Receives a file already in memory (the HTTP intake, at most 50 MB).</summary>
    public async Task<EdiIntakeResult> ReceiveAsync(ReadOnlyMemory<byte> file, string source, CancellationToken cancellationToken)
    {
        using var stream = MemoryMarshal.TryGetArray(file, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(file.ToArray(), writable: false);
        return await ReceiveAsync(stream, source, cancellationToken);
    }

    /// <summary>
    /// Archives, reads, acknowledges and queues one file of any size, streaming: it is read three times from
    /// <paramref name="file"/> (a digest for its id, the X12 pass for the acknowledgments, the archive copy), a buffer
    /// at a time, so memory does not grow with the file. A stream that cannot seek (a blob download) is first spooled
    /// to a temporary file, deleted when done. When the channel is not configured the file is still archived (as
    /// <c>edi:unconfigured:{sha256}</c>) and listed under ingest failures; the result says so
    /// (<see cref="EdiIntakeResult.NotConfigured"/>) and nothing is acknowledged.
    /// </summary>
    /// <exception cref="DeliveryInProgressException">The same file is being received right now by another call.</exception>
    public async Task<EdiIntakeResult> ReceiveAsync(Stream file, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var spool = file.CanSeek ? null : await SpoolAsync(file, cancellationToken);
        var input = spool ?? file;
        var start = input.Position;
        var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(input, cancellationToken));
        if (ConfigurationProblems.Count > 0)
        {
            var kept = Payload($"edi:unconfigured:{digest}", null, source);
            await ArchiveAsync(kept, input, start, cancellationToken);
            await RecordFailureAsync(kept, "The EDI channel is not configured: " + string.Join(" ", ConfigurationProblems), cancellationToken);
            return new EdiIntakeResult(kept.Id, null, null) { NotConfigured = true };
        }

        var seen = new DeferredKeys(keys);
        var orders = 0;
        EdiProcessingResult result;
        try
        {
            input.Position = start;
            // The orders themselves are not kept: ingest re-reads the archived file. Only their number matters here.
            result = await new EdiInterchangeProcessor(options, seen, controlNumbers, time).ProcessAsync(input, (_, _) => { orders++; return ValueTask.CompletedTask; }, cancellationToken);
        }
        catch (X12ParseException error)
        {
            var rejected = Payload($"edi:unreadable:{digest}", null, source);
            await ArchiveAsync(rejected, input, start, cancellationToken);
            await RecordFailureAsync(rejected, $"Not readable as X12: {error.Message}", cancellationToken);
            return new EdiIntakeResult(rejected.Id, null, error);
        }

        var partner = result.Interchanges.Select(i => i.PartnerId).FirstOrDefault(p => p is not null);
        var payload = Payload($"edi:{partner ?? "unknown"}:{digest}", partner, source);
        if (orders > 0)
        {
            input.Position = start;
            if (await acceptor.AcceptAsync(payload, input, $"edi-file:{digest}", ingest: true, cancellationToken) == AcceptOutcome.InProgress)
            {
                throw new DeliveryInProgressException($"The same file ({payload.Id}) is being received right now; send it again in a moment.");
            }
        }
        else
        {
            await ArchiveAsync(payload, input, start, cancellationToken);
        }

        foreach (var refused in result.Interchanges.Where(i => i.Status is EdiInterchangeStatus.UnknownSender or EdiInterchangeStatus.NotAddressedToUs))
        {
            await RecordFailureAsync(payload, $"Interchange {refused.ControlNumber} from {refused.Header.SenderQualifier}/{refused.Header.SenderId}: {refused.Status}.", cancellationToken);
        }

        // Only now that the orders are durably queued may a resend of these interchanges count as a duplicate.
        await seen.CommitAsync(time.GetUtcNow() + options.DuplicateInterchangeWindow, cancellationToken);
        return new EdiIntakeResult(payload.Id, result, null) { OrderCount = orders };
    }

    private static async Task<FileStream> SpoolAsync(Stream file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orderops-edi-{Guid.NewGuid():N}.x12");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await file.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private Task ArchiveAsync(RawPayload payload, Stream input, long start, CancellationToken cancellationToken)
    {
        input.Position = start;
        return archive.ArchiveAsync(payload, input, cancellationToken);
    }

    private RawPayload Payload(string id, string? partner, string source) => new()
    {
        Id = id,
        Channel = Channels.Edi,
        Account = partner,
        Kind = PayloadKind,
        ReceivedAt = time.GetUtcNow(),
        ContentType = "application/edi-x12",
        Headers = new Dictionary<string, string> { ["source"] = source },
        Body = ReadOnlyMemory<byte>.Empty,
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

        public Task ForgetAsync(string key, CancellationToken cancellationToken)
        {
            _pending.Remove(key);
            return Task.CompletedTask;
        }

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
    /// <summary>How many purchase orders were accepted and queued (they are not kept here; ingest re-reads the archive).</summary>
    public int OrderCount { get; init; }

    /// <summary>True when the channel is not configured: the file is archived and listed as an ingest failure, nothing more.</summary>
    public bool NotConfigured { get; init; }

    /// <summary>Every acknowledgment (997, with TA1 where due) in file order; empty when nobody can be acknowledged.</summary>
    public string Acknowledgments => Processing is null ? string.Empty : string.Concat(Processing.Interchanges.Select(i => i.Acknowledgment).Where(a => a is not null));

    /// <summary>True when no interchange came from a configured partner addressed to us.</summary>
    public bool NoKnownSender => Processing is not null && Processing.Interchanges.All(i => i.Status is EdiInterchangeStatus.UnknownSender or EdiInterchangeStatus.NotAddressedToUs);
}
