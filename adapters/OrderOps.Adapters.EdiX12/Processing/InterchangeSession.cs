using OrderOps.Adapters.EdiX12.Acknowledgments;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.PurchaseOrders;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>
/// Reacts to the envelope structure of one input: recognises the partner, maps each 850 set, writes the 997/TA1,
/// and queues finished orders and interchange results for the processor to hand on. One instance per input.
/// </summary>
internal sealed class InterchangeSession(EdiPartnerDirectory partners, DateTimeOffset now) : IEnvelopeHandler
{
    private const string PurchaseOrderGroup = "PO";
    private const string PurchaseOrderSet = "850";

    /// <summary>Details of the first this-many bad sets are kept; the 997 has all of them, and memory stays bounded.</summary>
    private const int MaxSetsWithErrorsKept = 1000;

    private InterchangeHeader? _header;
    private EdiInterchangeStatus _status;
    private EdiPartner? _partner;
    private FunctionalAcknowledgmentWriter? _acknowledgment;
    private FunctionalGroupHeader? _group;
    private DateTimeOffset? _groupCreatedAt;
    private bool _groupSupported;
    private PurchaseOrderMapper? _mapper;
    private readonly System.Buffers.ArrayBufferWriter<byte> _rawScratch = new(4096);
    private CanonicalOrder? _pendingOrder;
    private bool _nextIsDuplicate;
    private int _nextAcknowledgmentNumber = 1;
    private int _acknowledgmentNumber = 1;
    private int _orderCount;
    private int _setCount;
    private int _setsWithErrorsCount;
    private List<FunctionalGroupOutcome> _groups = [];
    private List<TransactionSetOutcome> _setsWithErrors = [];

    public Queue<CanonicalOrder> CompletedOrders { get; } = new();

    public Queue<(EdiInterchangeResult Result, bool EndedProperly)> CompletedInterchanges { get; } = new();

    public bool IsKnownSender(InterchangeHeader header) => partners.HasInterchangeSender(header.SenderQualifier, header.SenderId);

    /// <summary>Set by the processor just before it passes an ISA, after its asynchronous look-ups.</summary>
    public void PrepareNextInterchange(bool isDuplicate, int acknowledgmentControlNumber)
    {
        _nextIsDuplicate = isDuplicate;
        _nextAcknowledgmentNumber = acknowledgmentControlNumber;
    }

    public void InterchangeStarted(InterchangeHeader header)
    {
        _header = header;
        _acknowledgmentNumber = _nextAcknowledgmentNumber;
        _partner = null;
        _acknowledgment = null;
        _groups = [];
        _setsWithErrors = [];
        _orderCount = 0;
        _setCount = 0;
        _setsWithErrorsCount = 0;
        _status = !IsKnownSender(header) ? EdiInterchangeStatus.UnknownSender
            : !partners.IsOurReceiverId(header.ReceiverQualifier, header.ReceiverId) ? EdiInterchangeStatus.NotAddressedToUs
            : !header.HasValidControlNumber ? EdiInterchangeStatus.InvalidControlNumber
            : _nextIsDuplicate ? EdiInterchangeStatus.Duplicate
            : EdiInterchangeStatus.Processed;
        if (_status == EdiInterchangeStatus.Processed)
        {
            _acknowledgment = new FunctionalAcknowledgmentWriter(header, _acknowledgmentNumber, now);
        }

        _nextIsDuplicate = false;
    }

    public bool GroupStarted(FunctionalGroupHeader header)
    {
        _group = header;
        _groupCreatedAt = PurchaseOrderContext.CreatedAt(header);
        _groupSupported = false;
        if (_status != EdiInterchangeStatus.Processed)
        {
            return true;
        }

        _partner ??= partners.Find(_header!.SenderQualifier, _header.SenderId, header.ApplicationSenderId);
        if (_partner is null)
        {
            // The ISA id is a partner's, but GS02 is none of theirs: as unknown as any other sender.
            _status = EdiInterchangeStatus.UnknownSender;
            _acknowledgment = null;
            return true;
        }

        _acknowledgment!.BeginGroup(header);
        _groupSupported = header.FunctionalIdentifier == PurchaseOrderGroup;
        return _groupSupported;
    }

    public void TransactionSetStarted(TransactionSetHeader header)
    {
        _pendingOrder = null;
        _mapper = _status == EdiInterchangeStatus.Processed && _groupSupported && header.Identifier == PurchaseOrderSet
            ? new PurchaseOrderMapper(new PurchaseOrderContext(_partner!.PartnerId, _partner.Options.DefaultCurrency, _header!, _group!, header) { GroupCreatedAt = _groupCreatedAt }, _rawScratch)
            : null;
    }

    public void TransactionSetSegment(X12Segment segment, int positionInSet) => _mapper?.Accept(segment, positionInSet);

    public TransactionSetContentResult TransactionSetEnded(TransactionSetHeader header, IReadOnlyList<TransactionSetErrorCode> envelopeErrors)
    {
        if (_status != EdiInterchangeStatus.Processed || !_groupSupported)
        {
            return TransactionSetContentResult.Clean;
        }

        if (_mapper is null)
        {
            return new TransactionSetContentResult([], Rejects: false, NotSupported: true);
        }

        var mapping = _mapper.Complete();
        _mapper = null;
        _pendingOrder = envelopeErrors.Count == 0 ? mapping.Order : null;
        return new TransactionSetContentResult(mapping.Errors, mapping.Rejects);
    }

    public void TransactionSetCompleted(TransactionSetOutcome outcome)
    {
        if (_status != EdiInterchangeStatus.Processed)
        {
            return;
        }

        _setCount++;
        if (outcome.IsAccepted && _pendingOrder is not null)
        {
            CompletedOrders.Enqueue(_pendingOrder);
            _orderCount++;
        }

        _pendingOrder = null;
        if (outcome.Acknowledgment != AcknowledgmentCode.Accepted)
        {
            _setsWithErrorsCount++;
            if (_setsWithErrors.Count < MaxSetsWithErrorsKept)
            {
                _setsWithErrors.Add(outcome);
            }
        }

        _acknowledgment!.WriteTransactionSet(outcome);
    }

    public void GroupEnded(FunctionalGroupOutcome outcome)
    {
        if (_status != EdiInterchangeStatus.Processed)
        {
            return;
        }

        _acknowledgment!.EndGroup(outcome);
        _groups.Add(outcome);
    }

    public void InterchangeEnded(InterchangeOutcome outcome)
    {
        var header = _header!;
        if (_status == EdiInterchangeStatus.Processed && _partner is null)
        {
            _partner = partners.Find(header.SenderQualifier, header.SenderId, null);
            _status = _partner is null ? EdiInterchangeStatus.UnknownSender : _status;
        }

        var acknowledgment = _status switch
        {
            // Trailer findings come after sets were accepted (the reader streams), so the interchange is "accepted, errors noted".
            EdiInterchangeStatus.Processed => _acknowledgment!.Complete(outcome.Notes, outcome.Notes.Count > 0 ? 'E' : 'A', header.AcknowledgmentRequested == "1"),
            EdiInterchangeStatus.NotAddressedToUs => RejectInterchange(header, InterchangeNoteCode.UnknownReceiverId),
            EdiInterchangeStatus.InvalidControlNumber => RejectInterchange(header, InterchangeNoteCode.InvalidControlNumberValue),
            EdiInterchangeStatus.Duplicate => RejectInterchange(header, InterchangeNoteCode.DuplicateControlNumber),
            _ => null,
        };
        var result = new EdiInterchangeResult
        {
            Status = _status,
            PartnerId = _status == EdiInterchangeStatus.UnknownSender ? null : (_partner ?? partners.Find(header.SenderQualifier, header.SenderId, _group?.ApplicationSenderId))?.PartnerId,
            Header = header,
            Acknowledgment = acknowledgment,
            Groups = _groups,
            SetsWithErrors = _setsWithErrors,
            SetsWithErrorsCount = _setsWithErrorsCount,
            Notes = outcome.Notes,
            OrderCount = _orderCount,
            TransactionSetCount = _setCount,
        };
        CompletedInterchanges.Enqueue((result, !outcome.Notes.Contains(InterchangeNoteCode.PrematureEndOfFile)));
        _acknowledgment = null;
        _group = null;
    }

    private string RejectInterchange(InterchangeHeader header, InterchangeNoteCode note) =>
        new FunctionalAcknowledgmentWriter(header, _acknowledgmentNumber, now).Complete([note], 'R', alwaysWriteTa1: true);
}
