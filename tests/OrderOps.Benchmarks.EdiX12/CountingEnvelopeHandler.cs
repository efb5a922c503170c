using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Benchmarks.EdiX12;

/// <summary>
/// The "validate" mode's handler: envelopes checked, sets counted, no 850 mapping. This is the work node-x12's
/// strict parse does (segments into an interchange/group/transaction structure with envelope checks), so it is the
/// like-for-like comparison; "process" adds the 850 mapping and the 997.
/// </summary>
internal sealed class CountingEnvelopeHandler : IEnvelopeHandler
{
    public long AcceptedSets { get; private set; }

    public long RejectedSets { get; private set; }

    public void InterchangeStarted(InterchangeHeader header)
    {
    }

    public bool GroupStarted(FunctionalGroupHeader header) => true;

    public void TransactionSetStarted(TransactionSetHeader header)
    {
    }

    public void TransactionSetSegment(X12Segment segment, int positionInSet)
    {
    }

    public TransactionSetContentResult TransactionSetEnded(TransactionSetHeader header, IReadOnlyList<TransactionSetErrorCode> envelopeErrors) =>
        TransactionSetContentResult.Clean;

    public void TransactionSetCompleted(TransactionSetOutcome outcome)
    {
        if (outcome.IsAccepted)
        {
            AcceptedSets++;
        }
        else
        {
            RejectedSets++;
        }
    }

    public void GroupEnded(FunctionalGroupOutcome outcome)
    {
    }

    public void InterchangeEnded(InterchangeOutcome outcome)
    {
    }
}
