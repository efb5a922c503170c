using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>
/// Checks the ISA/IEA, GS/GE and ST/SE envelopes of a segment stream as it passes: trailer counts (IEA01, GE01,
/// SE01), trailer control numbers (IEA02 = ISA13, GE02 = GS06, SE02 = ST02), missing trailers, duplicate set
/// control numbers and malformed segment ids. Findings become outcomes for the handler (and from there a 997/TA1),
/// never exceptions, so one bad set or group does not stop the rest of the file. Memory: the open envelopes
/// plus the set control numbers of the current group.
/// </summary>
public sealed class EnvelopeValidator
{
    private const int MaxSegmentErrorsPerSet = 100;

    private readonly IEnvelopeHandler _handler;

    private InterchangeState? _interchange;
    private GroupState? _group;
    private SetState? _set;

    public EnvelopeValidator(IEnvelopeHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    public bool IsInsideInterchange => _interchange is not null;

    public void Accept(X12Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (_set is not null && !IsEnvelopeSegment(segment.Id))
        {
            // The common case first: a body segment of an open set (millions of them in a large file).
            AcceptSetSegment(segment);
            return;
        }

        if (segment.Is("ISA"u8))
        {
            if (_interchange is not null)
            {
                CloseInterchangeWithoutTrailer();
            }

            StartInterchange(segment);
        }
        else if (_interchange is null)
        {
            // The reader only yields segments after an ISA; this is a defensive no-op for misuse.
            return;
        }
        else if (segment.Is("IEA"u8))
        {
            CloseOpenGroup();
            EndInterchange(segment);
        }
        else if (segment.Is("GS"u8))
        {
            CloseOpenGroup();
            StartGroup(segment);
        }
        else if (segment.Is("GE"u8))
        {
            if (_group is null)
            {
                _interchange.Notes.Add(InterchangeNoteCode.InvalidInterchangeContent);
                return;
            }

            CloseOpenSet();
            EndGroup(segment);
        }
        else if (segment.Is("ST"u8))
        {
            if (_group is null)
            {
                _interchange.Notes.Add(InterchangeNoteCode.InvalidInterchangeContent);
                return;
            }

            CloseOpenSet();
            StartSet(segment);
        }
        else if (_group is null && segment.Is("TA1"u8))
        {
            // Interchange acknowledgments travel between ISA and GS (some senders put them before IEA): not content.
            return;
        }
        else if (_set is null)
        {
            // A segment (even SE) outside any transaction set has no set to be acknowledged in.
            _interchange.Notes.Add(InterchangeNoteCode.InvalidInterchangeContent);
        }
        else if (segment.Is("SE"u8))
        {
            EndSet(segment);
        }
        else
        {
            AcceptSetSegment(segment);
        }
    }

    private void AcceptSetSegment(X12Segment segment)
    {
        var set = _set!;
        set.SegmentCount++;
        if (!HasValidSegmentId(segment.Id))
        {
            set.AddError(new SegmentError(segment.GetString(0) ?? string.Empty, set.SegmentCount, null, SegmentErrorCode.UnrecognizedSegmentId, "Segment id is not two or three upper-case letters or digits."));
        }
        else
        {
            _handler.TransactionSetSegment(segment, set.SegmentCount);
        }
    }

    /// <summary>ISA, IEA, GS, GE, ST, SE and TA1: the segments that open or close an envelope (or acknowledge one).</summary>
    private static bool IsEnvelopeSegment(ReadOnlySpan<byte> id) =>
        id.Length is 2 or 3 && id[0] is (byte)'I' or (byte)'G' or (byte)'S' or (byte)'T'
        && (id.SequenceEqual("ISA"u8) || id.SequenceEqual("IEA"u8) || id.SequenceEqual("GS"u8) || id.SequenceEqual("GE"u8)
            || id.SequenceEqual("ST"u8) || id.SequenceEqual("SE"u8) || id.SequenceEqual("TA1"u8));

    /// <summary>The stream has ended: whatever is still open lacks its trailer.</summary>
    public void Complete()
    {
        if (_interchange is not null)
        {
            CloseInterchangeWithoutTrailer();
        }
    }

    /// <summary>X12 segment ids are two or three characters, upper-case letters and digits, starting with a letter.</summary>
    public static bool HasValidSegmentId(ReadOnlySpan<byte> id)
    {
        if (id.Length is < 2 or > 3 || !char.IsAsciiLetterUpper((char)id[0]))
        {
            return false;
        }

        foreach (var b in id)
        {
            if (!char.IsAsciiLetterUpper((char)b) && !char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return true;
    }

    private void StartInterchange(X12Segment isa)
    {
        var header = InterchangeHeader.From(isa);
        _interchange = new InterchangeState(header);
        if (!header.HasValidControlNumber)
        {
            _interchange.Notes.Add(InterchangeNoteCode.InvalidControlNumberValue);
        }

        _handler.InterchangeStarted(header);
    }

    private void EndInterchange(X12Segment iea)
    {
        var interchange = _interchange!;
        if (!iea.TryGetInt64(1, out var declaredGroups) || declaredGroups != interchange.GroupCount)
        {
            interchange.Notes.Add(InterchangeNoteCode.InvalidGroupCount);
        }

        if (!iea.ElementEquals(2, interchange.Header.ControlNumber))
        {
            interchange.Notes.Add(InterchangeNoteCode.ControlNumberMismatch);
        }

        FinishInterchange();
    }

    private void CloseInterchangeWithoutTrailer()
    {
        CloseOpenGroup();
        _interchange!.Notes.Add(InterchangeNoteCode.PrematureEndOfFile);
        FinishInterchange();
    }

    private void FinishInterchange()
    {
        var interchange = _interchange!;
        _interchange = null;
        _handler.InterchangeEnded(new InterchangeOutcome(interchange.Header, interchange.GroupCount, interchange.Notes.Distinct().ToArray()));
    }

    private void StartGroup(X12Segment gs)
    {
        _interchange!.GroupCount++;
        var header = FunctionalGroupHeader.From(gs);
        _group = new GroupState(header);
        if (!header.HasValidControlNumber)
        {
            _group.Errors.Add(FunctionalGroupErrorCode.ControlNumberSyntax);
        }

        _group.Supported = _handler.GroupStarted(header);
        if (!_group.Supported)
        {
            _group.Errors.Add(FunctionalGroupErrorCode.NotSupported);
        }
    }

    private void EndGroup(X12Segment ge)
    {
        var group = _group!;
        if (!ge.TryGetInt64(1, out var declaredSets) || declaredSets != group.ReceivedCount)
        {
            group.Errors.Add(FunctionalGroupErrorCode.TransactionSetCountMismatch);
        }

        if (!ge.ElementEquals(2, group.Header.ControlNumber))
        {
            group.Errors.Add(FunctionalGroupErrorCode.ControlNumberMismatch);
        }

        var included = declaredSets is >= 0 and <= int.MaxValue ? (int)declaredSets : group.ReceivedCount;
        FinishGroup(included);
    }

    private void CloseOpenGroup()
    {
        if (_group is null)
        {
            return;
        }

        CloseOpenSet();
        _group.Errors.Add(FunctionalGroupErrorCode.TrailerMissing);
        FinishGroup(_group.ReceivedCount);
    }

    private void FinishGroup(int includedCount)
    {
        var group = _group!;
        _group = null;
        var errors = group.Errors.Distinct().ToArray();
        AcknowledgmentCode acknowledgment;
        if (!group.Supported || (group.ReceivedCount > 0 && group.AcceptedCount == 0))
        {
            acknowledgment = AcknowledgmentCode.Rejected;
        }
        else if (group.AcceptedCount < group.ReceivedCount)
        {
            acknowledgment = AcknowledgmentCode.PartiallyAccepted;
        }
        else if (errors.Length > 0 || group.AnySetWithErrors)
        {
            // Sets are accepted as each one ends (the reader streams); trailer problems found later are noted, not retracted.
            acknowledgment = AcknowledgmentCode.AcceptedWithErrors;
        }
        else
        {
            acknowledgment = AcknowledgmentCode.Accepted;
        }

        _handler.GroupEnded(new FunctionalGroupOutcome(group.Header, acknowledgment, includedCount, group.ReceivedCount, group.AcceptedCount, errors));
    }

    private void StartSet(X12Segment st)
    {
        var group = _group!;
        group.ReceivedCount++;
        var header = TransactionSetHeader.From(st);
        _set = new SetState(header);
        if (header.Identifier.Length != 3 || !header.Identifier.All(char.IsAsciiDigit))
        {
            _set.EnvelopeErrors.Add(TransactionSetErrorCode.MissingOrInvalidIdentifier);
        }

        if (header.ControlNumber.Length is < 4 or > 9)
        {
            _set.EnvelopeErrors.Add(TransactionSetErrorCode.MissingOrInvalidControlNumber);
        }
        else if (!group.SetControlNumbers.Add(header.ControlNumber))
        {
            _set.EnvelopeErrors.Add(TransactionSetErrorCode.ControlNumberNotUniqueInGroup);
        }

        _handler.TransactionSetStarted(header);
    }

    private void EndSet(X12Segment se)
    {
        var set = _set!;
        set.SegmentCount++;
        if (!se.TryGetInt64(1, out var declaredSegments) || declaredSegments != set.SegmentCount)
        {
            set.EnvelopeErrors.Add(TransactionSetErrorCode.SegmentCountMismatch);
        }

        if (!se.ElementEquals(2, set.Header.ControlNumber))
        {
            set.EnvelopeErrors.Add(TransactionSetErrorCode.ControlNumberMismatch);
        }

        FinishSet();
    }

    private void CloseOpenSet()
    {
        if (_set is null)
        {
            return;
        }

        _set.EnvelopeErrors.Add(TransactionSetErrorCode.TrailerMissing);
        FinishSet();
    }

    private void FinishSet()
    {
        var set = _set!;
        var group = _group!;
        _set = null;
        var envelopeErrors = set.EnvelopeErrors.Count == 0 ? [] : set.EnvelopeErrors.Distinct().ToList();
        var content = _handler.TransactionSetEnded(set.Header, envelopeErrors);
        foreach (var error in content.SegmentErrors)
        {
            set.AddError(error);
        }

        var errors = envelopeErrors;
        if (content.NotSupported || !group.Supported)
        {
            errors.Insert(0, TransactionSetErrorCode.NotSupported);
        }

        var rejectingContent = set.HasUnrecognizedSegment || content.Rejects;
        if (rejectingContent)
        {
            errors.Add(TransactionSetErrorCode.SegmentsInError);
        }

        var acknowledgment = errors.Count > 0
            ? AcknowledgmentCode.Rejected
            : set.SegmentErrors.Count > 0 ? AcknowledgmentCode.AcceptedWithErrors : AcknowledgmentCode.Accepted;
        var outcome = new TransactionSetOutcome(set.Header, acknowledgment, errors.Count == 0 ? [] : errors.Distinct().ToArray(), set.SegmentErrors);
        if (outcome.IsAccepted)
        {
            group.AcceptedCount++;
            group.AnySetWithErrors |= acknowledgment == AcknowledgmentCode.AcceptedWithErrors;
        }

        _handler.TransactionSetCompleted(outcome);
    }

    private sealed class InterchangeState(InterchangeHeader header)
    {
        public InterchangeHeader Header { get; } = header;

        public int GroupCount { get; set; }

        public List<InterchangeNoteCode> Notes { get; } = [];
    }

    private sealed class GroupState(FunctionalGroupHeader header)
    {
        public FunctionalGroupHeader Header { get; } = header;

        public bool Supported { get; set; } = true;

        public int ReceivedCount { get; set; }

        public int AcceptedCount { get; set; }

        public bool AnySetWithErrors { get; set; }

        public ControlNumberSet SetControlNumbers { get; } = new();

        public List<FunctionalGroupErrorCode> Errors { get; } = [];
    }

    private sealed class SetState(TransactionSetHeader header)
    {
        private readonly List<SegmentError> _segmentErrors = [];

        public TransactionSetHeader Header { get; } = header;

        public int SegmentCount { get; set; } = 1;

        public List<TransactionSetErrorCode> EnvelopeErrors { get; } = [];

        public List<SegmentError> SegmentErrors => _segmentErrors;

        public bool HasUnrecognizedSegment { get; private set; }

        public void AddError(SegmentError error)
        {
            HasUnrecognizedSegment |= error.Code == SegmentErrorCode.UnrecognizedSegmentId;
            if (_segmentErrors.Count < MaxSegmentErrorsPerSet)
            {
                _segmentErrors.Add(error);
            }
        }
    }
}
