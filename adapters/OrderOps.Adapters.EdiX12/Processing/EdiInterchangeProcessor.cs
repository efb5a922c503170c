using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>
/// Turns raw X12 into canonical orders and acknowledgments, streaming: one pass, segment by segment, orders handed
/// to the caller as each 850 set is accepted (at its SE). For every interchange the result tells the recognised
/// partner (or that the sender is unknown: nothing ingested, nothing acknowledged, the caller archives it), ISA13,
/// the 997/TA1 text and the sets with errors. A repeated ISA13 from the same sender is a duplicate: its orders are
/// not handed on again and it is answered with TA1 note 025.
/// </summary>
/// <remarks>
/// Duplicate detection uses <see cref="IIdempotencyStore"/> when one is given: an interchange counts as seen once it
/// was read to its IEA and its orders were handed on, so a crash half-way lets the partner's resend through (order
/// ids are deterministic, so a second ingest of the same order is harmless). Within one input, a repeated ISA13 is
/// always a duplicate.
/// </remarks>
public sealed class EdiInterchangeProcessor
{
    private readonly EdiPartnerDirectory _partners;
    private readonly EdiOptions _options;
    private readonly IIdempotencyStore? _seenInterchanges;
    private readonly IAcknowledgmentControlNumbers _controlNumbers;
    private readonly TimeProvider _time;
    private readonly X12ReaderOptions _readerOptions;

    /// <exception cref="ArgumentException">The options are invalid (see <see cref="EdiOptions.Validate"/>).</exception>
    public EdiInterchangeProcessor(
        EdiOptions options,
        IIdempotencyStore? seenInterchanges = null,
        IAcknowledgmentControlNumbers? controlNumbers = null,
        TimeProvider? time = null,
        X12ReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _partners = new EdiPartnerDirectory(options);
        _options = options;
        _seenInterchanges = seenInterchanges;
        _controlNumbers = controlNumbers ?? EchoInboundControlNumbers.Instance;
        _time = time ?? TimeProvider.System;
        _readerOptions = readerOptions ?? new X12ReaderOptions();
    }

    /// <summary>Processes a stream, handing each accepted order to <paramref name="onOrder"/> as soon as its set ends.</summary>
    /// <exception cref="X12ParseException">The input has no readable ISA at all, so there is no one to acknowledge.</exception>
    public async Task<EdiProcessingResult> ProcessAsync(Stream input, Func<CanonicalOrder, CancellationToken, ValueTask> onOrder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(onOrder);
        var session = new InterchangeSession(_partners, _time.GetUtcNow());
        var validator = new EnvelopeValidator(session);
        var results = new List<EdiInterchangeResult>();
        var seenInThisInput = new HashSet<string>(StringComparer.Ordinal);
        X12ParseException? parseError = null;
        using var reader = new X12Reader(input, _readerOptions);
        while (true)
        {
            try
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    validator.Complete();
                    break;
                }
            }
            catch (X12ParseException error)
            {
                if (!IsRecoverable(validator, results.Count + session.CompletedInterchanges.Count))
                {
                    throw;
                }

                parseError = error;
                break;
            }

            var segment = reader.Current;
            if (segment.Is("ISA"u8))
            {
                var header = InterchangeHeader.From(segment);
                var known = session.IsKnownSender(header);
                var duplicate = known && await IsDuplicateAsync(header, seenInThisInput, cancellationToken).ConfigureAwait(false);
                var acknowledgmentNumber = known ? await _controlNumbers.NextAsync(header, cancellationToken).ConfigureAwait(false) : 1;
                session.PrepareNextInterchange(duplicate, acknowledgmentNumber);
            }

            validator.Accept(segment);
            if (session.CompletedOrders.Count > 0 || session.CompletedInterchanges.Count > 0)
            {
                await DrainAsync(session, results, seenInThisInput, onOrder, cancellationToken).ConfigureAwait(false);
            }
        }

        await DrainAsync(session, results, seenInThisInput, onOrder, cancellationToken).ConfigureAwait(false);
        return new EdiProcessingResult { Interchanges = results, ParseError = parseError, BytesRead = reader.BytesConsumed };
    }

    /// <summary>Processes an in-memory interchange and collects its orders in <see cref="EdiProcessingResult.Orders"/>.</summary>
    /// <exception cref="X12ParseException">The input has no readable ISA at all.</exception>
    public async Task<EdiProcessingResult> ProcessAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        var orders = new List<CanonicalOrder>();
        using var stream = new ReadOnlyMemoryStream(input);
        var result = await ProcessAsync(stream, (order, _) => { orders.Add(order); return ValueTask.CompletedTask; }, cancellationToken).ConfigureAwait(false);
        return result with { Orders = orders };
    }

    /// <summary>
    /// The pure, synchronous form for replaying an archived payload: no duplicate store, acknowledgment control numbers
    /// echo the inbound ISA13. Orders are collected in <see cref="EdiProcessingResult.Orders"/>.
    /// </summary>
    /// <exception cref="X12ParseException">The input has no readable ISA at all.</exception>
    public EdiProcessingResult Process(ReadOnlyMemory<byte> input)
    {
        var pure = _seenInterchanges is null && _controlNumbers is EchoInboundControlNumbers
            ? this
            : new EdiInterchangeProcessor(_options, null, EchoInboundControlNumbers.Instance, _time, _readerOptions);

        // Everything awaited is synchronous here (in-memory stream, no store, echoed numbers), so this does not block.
        var task = pure.ProcessAsync(input, CancellationToken.None);
        return task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("In-memory processing unexpectedly went asynchronous.");
    }

    /// <summary>
    /// After a readable ISA the error is reported in the result: what is open is closed as truncated so the partner
    /// gets its rejects. Before any ISA there is nobody to answer, so the error is the caller's.
    /// </summary>
    private static bool IsRecoverable(EnvelopeValidator validator, int interchangesSoFar)
    {
        if (validator.IsInsideInterchange)
        {
            validator.Complete();
            return true;
        }

        return interchangesSoFar > 0;
    }

    private async ValueTask<bool> IsDuplicateAsync(InterchangeHeader header, HashSet<string> seenInThisInput, CancellationToken cancellationToken)
    {
        if (!header.HasValidControlNumber)
        {
            return false;
        }

        var key = EdiInterchangeKeys.For(header);
        if (!seenInThisInput.Add(key))
        {
            return true;
        }

        return _seenInterchanges is not null && await _seenInterchanges.ExistsAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DrainAsync(
        InterchangeSession session,
        List<EdiInterchangeResult> results,
        HashSet<string> seenInThisInput,
        Func<CanonicalOrder, CancellationToken, ValueTask> onOrder,
        CancellationToken cancellationToken)
    {
        while (session.CompletedOrders.TryDequeue(out var order))
        {
            // Buffered segments are read without awaiting; stopping between orders keeps cancellation prompt.
            cancellationToken.ThrowIfCancellationRequested();
            await onOrder(order, cancellationToken).ConfigureAwait(false);
        }

        while (session.CompletedInterchanges.TryDequeue(out var completed))
        {
            results.Add(completed.Result);
            if (completed.Result.Status == EdiInterchangeStatus.Processed && completed.EndedProperly && _seenInterchanges is not null)
            {
                await _seenInterchanges.TryRecordAsync(completed.Result.DuplicateKey, _time.GetUtcNow() + _options.DuplicateInterchangeWindow, cancellationToken).ConfigureAwait(false);
            }
            else if (completed.Result.Status == EdiInterchangeStatus.Processed && !completed.EndedProperly)
            {
                // A truncated interchange may be resent complete under the same ISA13; let that copy through.
                seenInThisInput.Remove(completed.Result.DuplicateKey);
            }
        }
    }
}
