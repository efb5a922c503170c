namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>What became of one transaction set: the content of its AK2/AK3/AK4/AK5.</summary>
public sealed record TransactionSetOutcome(
    TransactionSetHeader Header,
    AcknowledgmentCode Acknowledgment,
    IReadOnlyList<TransactionSetErrorCode> Errors,
    IReadOnlyList<SegmentError> SegmentErrors)
{
    public bool IsAccepted => Acknowledgment is AcknowledgmentCode.Accepted or AcknowledgmentCode.AcceptedWithErrors;
}

/// <summary>What became of one functional group: the content of its AK1/AK9.</summary>
public sealed record FunctionalGroupOutcome(
    FunctionalGroupHeader Header,
    AcknowledgmentCode Acknowledgment,
    int IncludedCount,
    int ReceivedCount,
    int AcceptedCount,
    IReadOnlyList<FunctionalGroupErrorCode> Errors);

/// <summary>Interchange-level findings, reported in a TA1.</summary>
public sealed record InterchangeOutcome(InterchangeHeader Header, int GroupCount, IReadOnlyList<InterchangeNoteCode> Notes);
