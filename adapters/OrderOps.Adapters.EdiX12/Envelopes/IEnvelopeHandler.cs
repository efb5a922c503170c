using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>
/// Receives the structure <see cref="EnvelopeValidator"/> finds, in stream order. Segments inside a transaction
/// set are passed one at a time (valid only during the call), so a handler never needs the whole file.
/// </summary>
public interface IEnvelopeHandler
{
    void InterchangeStarted(InterchangeHeader header);

    /// <summary>A group started; returns false when its functional identifier (GS01) is not one the handler supports.</summary>
    bool GroupStarted(FunctionalGroupHeader header);

    void TransactionSetStarted(TransactionSetHeader header);

    /// <summary>A segment between ST and SE. <paramref name="positionInSet"/> counts ST as 1.</summary>
    void TransactionSetSegment(X12Segment segment, int positionInSet);

    /// <summary>
    /// The set ended (SE, or a missing trailer). Returns the handler's own content errors for the set, which the
    /// validator merges into the outcome; <paramref name="envelopeErrors"/> are those the envelope already has.
    /// </summary>
    TransactionSetContentResult TransactionSetEnded(TransactionSetHeader header, IReadOnlyList<TransactionSetErrorCode> envelopeErrors);

    void TransactionSetCompleted(TransactionSetOutcome outcome);

    void GroupEnded(FunctionalGroupOutcome outcome);

    void InterchangeEnded(InterchangeOutcome outcome);
}

/// <summary>A handler's verdict on a set's content: segment errors, and whether they reject the set or are only noted.</summary>
public sealed record TransactionSetContentResult(IReadOnlyList<SegmentError> SegmentErrors, bool Rejects, bool NotSupported = false)
{
    public static TransactionSetContentResult Clean { get; } = new([], false);
}
