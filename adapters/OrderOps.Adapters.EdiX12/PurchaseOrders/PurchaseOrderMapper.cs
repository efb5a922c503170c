using System.Buffers;
using System.Text.Json.Nodes;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>The result of mapping one 850: an order when the set is usable, and the AK3/AK4 findings either way.</summary>
public sealed record PurchaseOrderMapping(CanonicalOrder? Order, IReadOnlyList<SegmentError> Errors, bool Rejects);

/// <summary>
/// Maps one 850 transaction set to a <see cref="CanonicalOrder"/>, fed segment by segment (no set is held in
/// memory as text). Recognised: BEG, CUR, REF, PER, DTM, NTE/MSG, N1 loops (N1/N2/N3/N4/PER; ST ship-to, BT
/// bill-to, BY buyer), PO1 loops (PO1/CTP/PID/PO4/REF/DTM), CTT and AMT. Everything else is kept as raw segment
/// text in <c>channelMetadata.edi</c>. Problems are reported as X12 segment/element errors, never thrown.
/// </summary>
public sealed class PurchaseOrderMapper
{
    private readonly PurchaseOrderContext _context;
    private readonly MappingErrors _errors = new();
    private readonly List<PartyBuilder> _parties = [];
    private readonly List<LineBuilder> _lines = [];
    private readonly ArrayBufferWriter<byte> _raw;
    private readonly List<string> _notes = [];

    private HashSet<string>? _lineIdIndex;
    private PartyBuilder? _party;
    private LineBuilder? _line;
    private bool _inSummary;
    private int _begPosition;
    private string? _purpose;
    private string? _poNumber;
    private DateOnly? _poDate;
    private string? _currency;
    private string? _headerContactName;
    private string? _headerPhone;
    private string? _headerEmail;
    private DateTimeOffset? _shipNoLater;
    private DateTimeOffset? _requestedShip;
    private decimal? _total;
    private decimal? _subtotal;
    private long? _declaredLineCount;
    private int _cttPosition;
    private decimal? _declaredHashTotal;
    private X12Separators _separators;

    public PurchaseOrderMapper(PurchaseOrderContext context)
        : this(context, new ArrayBufferWriter<byte>(2048))
    {
    }

    /// <summary>With a scratch buffer for the verbatim set text that the caller reuses from set to set.</summary>
    internal PurchaseOrderMapper(PurchaseOrderContext context, ArrayBufferWriter<byte> rawScratch)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _raw = rawScratch;
        _raw.ResetWrittenCount();
    }

    public void Accept(X12Segment segment, int positionInSet)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var id = segment.Id;
        if (id.SequenceEqual("BEG"u8))
        {
            ReadBeg(segment, positionInSet);
        }
        else if (id.SequenceEqual("CUR"u8))
        {
            ReadCur(segment, positionInSet);
        }
        else if (id.SequenceEqual("N1"u8))
        {
            StartParty(segment, positionInSet);
        }
        else if (id.SequenceEqual("N2"u8) || id.SequenceEqual("N3"u8) || id.SequenceEqual("N4"u8))
        {
            ReadAddressPart(segment, positionInSet);
        }
        else if (id.SequenceEqual("PER"u8))
        {
            ReadContact(segment);
        }
        else if (id.SequenceEqual("PO1"u8))
        {
            StartLine(segment, positionInSet);
        }
        else if (id.SequenceEqual("CTP"u8) && _line is not null)
        {
            ReadPricing(segment, positionInSet);
        }
        else if (id.SequenceEqual("PID"u8) && _line is not null)
        {
            ReadDescription(segment);
        }
        else if (id.SequenceEqual("DTM"u8))
        {
            ReadDate(segment, positionInSet);
        }
        else if (id.SequenceEqual("MSG"u8) || id.SequenceEqual("NTE"u8))
        {
            ReadNote(segment);
        }
        else if (id.SequenceEqual("CTT"u8))
        {
            ReadTotals(segment, positionInSet);
        }
        else if (id.SequenceEqual("AMT"u8))
        {
            ReadAmount(segment, positionInSet);
        }

        // Every segment is kept verbatim, in order, as the partner sent it (one string per order, not one per segment).
        _separators = segment.Separators;
        _raw.Write(segment.Raw);
        _raw.Write([segment.Separators.Segment]);
    }

    public PurchaseOrderMapping Complete()
    {
        _party = null;
        if (_poNumber is null || _poDate is null)
        {
            if (_begPosition == 0)
            {
                _errors.Segment("BEG", 2, SegmentErrorCode.MandatorySegmentMissing, "An 850 needs a BEG segment.");
            }

            return new PurchaseOrderMapping(null, _errors.All, Rejects: true);
        }

        if (_lines.Count == 0)
        {
            _errors.Segment("PO1", _begPosition + 1, SegmentErrorCode.MandatorySegmentMissing, "An 850 needs at least one PO1 line.");
        }

        if (_declaredLineCount is { } declared && declared != _lines.Count)
        {
            // CTT01 is a control total; a mismatch is noted (AK5 E) rather than rejected because the lines themselves are complete.
            _errors.Segment("CTT", _cttPosition, SegmentErrorCode.SegmentHasDataElementErrors, $"CTT01 says {declared} lines, the set has {_lines.Count}.", rejects: false);
        }

        if (_declaredHashTotal is { } hash && hash != _lines.Sum(l => l.QuantityAsSent))
        {
            _errors.Segment("CTT", _cttPosition, SegmentErrorCode.SegmentHasDataElementErrors, "CTT02 is not the sum of the PO102 quantities.", rejects: false);
        }

        if (_errors.Rejects)
        {
            return new PurchaseOrderMapping(null, _errors.All, Rejects: true);
        }

        var order = BuildOrder(_poNumber, _poDate.Value);
        var problems = OrderValidator.Validate(order);
        if (problems.Count > 0)
        {
            // The mapper prevents these; if one slips through, the set is rejected rather than an invalid order ingested.
            _errors.Segment("BEG", _begPosition, SegmentErrorCode.SegmentHasDataElementErrors,
                "The order is not valid: " + string.Join("; ", problems.Select(p => $"{p.Field} {p.Message}")));
            return new PurchaseOrderMapping(null, _errors.All, Rejects: true);
        }

        return new PurchaseOrderMapping(order, _errors.All, Rejects: false);
    }

    private CanonicalOrder BuildOrder(string poNumber, DateOnly poDate)
    {
        var currency = _currency ?? _context.DefaultCurrency;
        var placedAt = X12Dates.AtUtc(poDate, TimeOnly.MinValue);
        var updatedAt = _context.GroupCreatedAt is { } created && created >= placedAt ? created : placedAt;
        var shipTo = FindParty(X12Codes.ShipTo);
        var billTo = FindParty(X12Codes.BillTo);
        var buyer = FindParty(X12Codes.Buyer);
        var customer = new Customer
        {
            Name = _headerContactName ?? buyer?.ContactName ?? buyer?.Name ?? billTo?.Name,
            Email = _headerEmail ?? buyer?.Email,
            Phone = _headerPhone ?? buyer?.Phone,
        };

        return new CanonicalOrder
        {
            OrderId = OrderId.Compose(Channels.Edi, _context.PartnerId, poNumber),
            Channel = Channels.Edi,
            ChannelAccount = _context.PartnerId,
            ChannelOrderId = poNumber,
            ChannelOrderNumber = poNumber,
            PlacedAt = placedAt,
            UpdatedAt = updatedAt,
            Currency = currency,
            Customer = customer is { Name: null, Email: null, Phone: null } ? null : customer,
            ShippingAddress = shipTo?.ToAddress(),
            BillingAddress = billTo?.ToAddress(),
            LineItems = [.. _lines.Select(l => ToLineItem(l, currency))],
            Totals = new OrderTotals
            {
                Subtotal = _subtotal is { } s ? new Money(s, currency) : null,
                Total = _total is { } t ? new Money(t, currency) : null,
            },
            Cancellation = _purpose == X12Codes.Cancellation ? new Cancellation { CancelledAt = updatedAt, Reason = "BEG01 01 (cancellation)" } : null,
            ShipBy = _shipNoLater ?? _requestedShip,
            Note = _notes.Count > 0 ? string.Join('\n', _notes) : null,
            ChannelMetadata = BuildMetadata(),
        };
    }

    private static LineItem ToLineItem(LineBuilder line, string currency)
    {
        var title = line.Description ?? line.ProductDescription ?? line.FirstProductId ?? $"Line {line.LineId}";
        var price = line.UnitPrice ?? line.ContractPrice;
        return new LineItem
        {
            LineId = line.LineId,
            Sku = line.Sku,
            ChannelItemId = line.ChannelItemId,
            Title = title,
            Quantity = line.Quantity,
            UnitPrice = price is { } p ? new Money(p, currency) : null,
        };
    }

    /// <summary>
    /// The envelope ids plus the set's segments between ST and SE verbatim in <c>x12</c>, with the interchange's own
    /// element separator and segment terminator next to it to split it by: nothing the partner sent is lost (the 855
    /// and 856 echo its PO1 lines from here), and one string is far cheaper than a JSON node per field.
    /// </summary>
    private JsonObject BuildMetadata()
    {
        var edi = new JsonObject
        {
            ["interchangeControlNumber"] = _context.Interchange.ControlNumber,
            ["interchangeSenderId"] = _context.Interchange.SenderId,
            ["groupControlNumber"] = _context.Group.ControlNumber,
            ["version"] = _context.Group.Version,
            ["transactionSetControlNumber"] = _context.TransactionSet.ControlNumber,
        };
        if (_currency is null)
        {
            edi["currencyDefaulted"] = true;
        }

        edi["elementSeparator"] = ((char)_separators.Element).ToString();
        edi["componentSeparator"] = ((char)_separators.Component).ToString();
        edi["segmentTerminator"] = ((char)_separators.Segment).ToString();
        edi["x12"] = System.Text.Encoding.UTF8.GetString(_raw.WrittenSpan);
        return new JsonObject { ["edi"] = edi };
    }

    private void ReadBeg(X12Segment segment, int position)
    {
        if (_begPosition != 0)
        {
            _errors.Segment("BEG", position, SegmentErrorCode.SegmentExceedsMaximumUse, "BEG appears more than once.");
            return;
        }

        _begPosition = position;
        _purpose = segment.GetString(1);
        _poNumber = segment.GetString(3)?.Trim();
        if (string.IsNullOrEmpty(_poNumber))
        {
            _poNumber = null;
            _errors.Element(segment, position, 3, ElementErrorCode.MandatoryElementMissing, "BEG03 (purchase order number) is required.");
        }

        if (segment.IsEmpty(5))
        {
            _errors.Element(segment, position, 5, ElementErrorCode.MandatoryElementMissing, "BEG05 (purchase order date) is required.");
        }
        else if (X12Dates.TryParseDate(segment.GetSpan(5), out var date))
        {
            _poDate = date;
        }
        else
        {
            _errors.Element(segment, position, 5, ElementErrorCode.InvalidDate, "BEG05 is not a CCYYMMDD date.");
        }
    }

    private void ReadCur(X12Segment segment, int position)
    {
        var code = segment.GetString(2);
        if (code is null)
        {
            _errors.Element(segment, position, 2, ElementErrorCode.MandatoryElementMissing, "CUR02 (currency code) is required.");
        }
        else if (!Iso4217.IsValid(code))
        {
            _errors.Element(segment, position, 2, ElementErrorCode.InvalidCodeValue, "CUR02 is not an ISO 4217 currency code.");
        }
        else if (_line is null)
        {
            _currency = code;
        }
        else if (code != (_currency ?? _context.DefaultCurrency))
        {
            _errors.Element(segment, position, 2, ElementErrorCode.InvalidCodeValue, "A line currency different from the order currency is not supported.");
        }
    }

    private void StartParty(X12Segment segment, int position)
    {
        var entity = segment.GetString(1);
        if (entity is null)
        {
            _errors.Element(segment, position, 1, ElementErrorCode.MandatoryElementMissing, "N101 (entity identifier) is required.");
            _party = null;
            return;
        }

        var party = new PartyBuilder(entity, segment.GetString(2));
        if (_line is not null && !_inSummary)
        {
            // A party inside a PO1 loop is line-level (e.g. a per-line ship-to of a distribution order): kept, not mapped.
            _party = null;
            return;
        }

        _parties.Add(party);
        _party = party;
    }

    private void ReadAddressPart(X12Segment segment, int position)
    {
        if (_party is null)
        {
            // N2/N3/N4 outside an N1 loop (or inside a line's N1 loop): kept verbatim only.
            return;
        }

        if (segment.Is("N2"u8))
        {
            AddIfPresent(_party.AdditionalNames, segment.GetString(1));
            AddIfPresent(_party.AdditionalNames, segment.GetString(2));
        }
        else if (segment.Is("N3"u8))
        {
            AddIfPresent(_party.AddressLines, segment.GetString(1));
            AddIfPresent(_party.AddressLines, segment.GetString(2));
        }
        else
        {
            _party.City = segment.GetString(1);
            _party.Region = segment.GetString(2);
            _party.PostalCode = segment.GetString(3);
            _party.Country = segment.GetString(4);
        }
    }

    private void ReadContact(X12Segment segment)
    {
        string? phone = null, email = null;
        for (var qualifierAt = 3; qualifierAt <= 7; qualifierAt += 2)
        {
            var number = segment.GetString(qualifierAt + 1);
            if (segment.ElementEquals(qualifierAt, X12Codes.Telephone))
            {
                phone ??= number;
            }
            else if (segment.ElementEquals(qualifierAt, X12Codes.Email) && LooksLikeEmail(number))
            {
                email ??= number;
            }
        }

        var name = segment.GetString(2);
        if (_party is not null)
        {
            _party.ContactName ??= name;
            _party.Phone ??= phone;
            _party.Email ??= email;
        }
        else if (_line is null)
        {
            _headerContactName ??= name;
            _headerPhone ??= phone;
            _headerEmail ??= email;
        }
    }

    private void StartLine(X12Segment segment, int position)
    {
        _party = null;
        if (_inSummary)
        {
            _errors.Segment("PO1", position, SegmentErrorCode.SegmentNotInProperSequence, "PO1 after CTT.");
        }

        var lineId = segment.GetString(1)?.Trim();
        if (string.IsNullOrEmpty(lineId))
        {
            // PO101 is optional in X12; the line's ordinal is then its id, which is stable for the same document.
            lineId = (_lines.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!IsNewLineId(lineId))
        {
            _errors.Element(segment, position, 1, ElementErrorCode.InvalidCodeValue, $"PO101 line number '{lineId}' is used twice.");
        }

        var line = new LineBuilder(lineId);
        _line = line;
        _lines.Add(line);
        if (!segment.TryGetDecimal(2, out var quantity))
        {
            _errors.Element(segment, position, 2, segment.IsEmpty(2) ? ElementErrorCode.MandatoryElementMissing : ElementErrorCode.InvalidCharacter, "PO102 (quantity ordered) must be a number.");
        }
        else if (quantity <= 0 || quantity > int.MaxValue || decimal.Truncate(quantity) != quantity)
        {
            _errors.Element(segment, position, 2, ElementErrorCode.InvalidCharacter, "PO102 must be a whole quantity greater than zero.");
        }
        else
        {
            line.Quantity = (int)quantity;
            line.QuantityAsSent = quantity;
        }

        if (!segment.IsEmpty(4))
        {
            if (segment.TryGetDecimal(4, out var price) && price >= 0)
            {
                line.UnitPrice = price;
            }
            else
            {
                _errors.Element(segment, position, 4, ElementErrorCode.InvalidCharacter, "PO104 (unit price) must be a non-negative number.");
            }
        }

        for (var qualifierAt = 6; qualifierAt < segment.ElementCount; qualifierAt += 2)
        {
            var qualifier = segment.GetSpan(qualifierAt);
            var value = segment.GetSpan(qualifierAt + 1);
            if (!qualifier.IsEmpty && !value.IsEmpty)
            {
                line.OfferProductId(qualifier, value);
            }
        }
    }

    private void ReadPricing(X12Segment segment, int position)
    {
        if (segment.IsEmpty(3))
        {
            return;
        }

        if (segment.TryGetDecimal(3, out var price) && price >= 0)
        {
            _line!.ContractPrice ??= price;
        }
        else
        {
            _errors.Element(segment, position, 3, ElementErrorCode.InvalidCharacter, "CTP03 (unit price) must be a non-negative number.");
        }
    }

    private void ReadDescription(X12Segment segment)
    {
        if (_line!.Description is null && segment.ElementEquals(1, X12Codes.FreeForm))
        {
            _line.Description = segment.GetString(5)?.Trim() is { Length: > 0 } text ? text : null;
        }
    }

    private void ReadDate(X12Segment segment, int position)
    {
        if (segment.IsEmpty(2))
        {
            return;
        }

        if (!X12Dates.TryParseDate(segment.GetSpan(2), out var date))
        {
            _errors.Element(segment, position, 2, ElementErrorCode.InvalidDate, "DTM02 is not a CCYYMMDD date.");
            return;
        }

        var time = TimeOnly.MaxValue;
        if (!segment.IsEmpty(3))
        {
            if (!X12Dates.TryParseTime(segment.GetSpan(3), out time))
            {
                _errors.Element(segment, position, 3, ElementErrorCode.InvalidTime, "DTM03 is not an HHMM[SS] time.");
                return;
            }
        }
        else
        {
            // "Ship no later than the 14th" includes the 14th: a date without a time means the end of that day.
            time = new TimeOnly(23, 59, 59);
        }

        if (_line is not null && !_inSummary)
        {
            return;
        }

        var at = X12Dates.AtUtc(date, time);
        if (segment.ElementEquals(1, X12Codes.ShipNoLater))
        {
            _shipNoLater ??= at;
        }
        else if (segment.ElementEquals(1, X12Codes.RequestedShip))
        {
            _requestedShip ??= at;
        }
    }

    private void ReadNote(X12Segment segment)
    {
        var text = segment.Is("NTE"u8) ? segment.GetString(2) : segment.GetString(1);
        if (text is not null && _line is null)
        {
            _notes.Add(text);
        }
    }

    private void ReadTotals(X12Segment segment, int position)
    {
        _inSummary = true;
        _party = null;
        _cttPosition = position;
        if (segment.TryGetInt64(1, out var count))
        {
            _declaredLineCount = count;
        }
        else
        {
            _errors.Element(segment, position, 1, segment.IsEmpty(1) ? ElementErrorCode.MandatoryElementMissing : ElementErrorCode.InvalidCharacter, "CTT01 (number of line items) must be a number.", rejects: false);
        }

        if (segment.TryGetDecimal(2, out var hash))
        {
            _declaredHashTotal = hash;
        }
    }

    private void ReadAmount(X12Segment segment, int position)
    {
        if (!segment.TryGetDecimal(2, out var amount) || amount < 0)
        {
            _errors.Element(segment, position, 2, ElementErrorCode.InvalidCharacter, "AMT02 must be a non-negative amount.");
            return;
        }

        if (_line is not null && !_inSummary)
        {
            return;
        }

        if (segment.ElementEquals(1, X12Codes.TotalTransactionAmount))
        {
            _total ??= amount;
        }
        else if (segment.ElementEquals(1, X12Codes.LineItemTotal))
        {
            _subtotal ??= amount;
        }
    }

    /// <summary>A list scan for the usual few lines; an index once a PO is large, so huge POs stay linear.</summary>
    private bool IsNewLineId(string lineId)
    {
        if (_lineIdIndex is null)
        {
            if (_lines.Count < 32)
            {
                return !_lines.Exists(l => l.LineId == lineId);
            }

            _lineIdIndex = new HashSet<string>(_lines.Select(l => l.LineId), StringComparer.Ordinal);
        }

        return _lineIdIndex.Add(lineId);
    }

    private PartyBuilder? FindParty(string entityCode) => _parties.Find(p => p.EntityCode == entityCode);

    private static void AddTo(List<string> target, X12Segment segment) => target.Add(segment.ToString());

    private static void AddIfPresent(List<string> target, string? value)
    {
        if (value is not null)
        {
            target.Add(value);
        }
    }

    /// <summary>The same rule as the canonical validator, so a sloppy PER e-mail is kept in metadata instead of failing the order.</summary>
    private static bool LooksLikeEmail(string? email)
    {
        if (email is null)
        {
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && email.IndexOf('.', at) > at + 1 && !email.Any(char.IsWhiteSpace);
    }
}
