using System.Globalization;
using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.Writing;

/// <summary>
/// Writes X12 with the envelope rules enforced: the writer computes SE01 (segments ST..SE), GE01 (sets), IEA01
/// (groups) and repeats the control numbers in the trailers itself, numbers transaction sets, pads ISA to its fixed
/// width, refuses data containing a separator, and refuses calls out of envelope order. Streams to a
/// <see cref="TextWriter"/>: nothing but counters is kept.
/// </summary>
public sealed class X12Writer
{
    private readonly TextWriter _output;
    private readonly bool _lineBreakAfterSegment;
    private string? _interchangeControlNumber;
    private string? _groupControlNumber;
    private string? _setControlNumber;
    private int _groupCount;
    private int _setCount;
    private int _setSegmentCount;
    private int _nextSetNumber = 1;
    private bool _anyGroupWritten;

    public X12Writer(TextWriter output, X12Separators separators, bool lineBreakAfterSegment = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!separators.AreUsable())
        {
            throw new ArgumentException("Separators must be distinct and not letters, digits or spaces.", nameof(separators));
        }

        _output = output;
        Separators = separators;
        _lineBreakAfterSegment = lineBreakAfterSegment && separators.Segment is not ((byte)'\n' or (byte)'\r');
    }

    public X12Separators Separators { get; }

    public void BeginInterchange(X12InterchangeEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (_interchangeControlNumber is not null)
        {
            throw new InvalidOperationException("An interchange is already open.");
        }

        if (envelope.ControlNumber is < 1 or > 999_999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(envelope), "ISA13 must be between 1 and 999999999.");
        }

        if (envelope.Version.Length != 5 || !envelope.Version.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("ISA12 must be five digits, e.g. 00401.", nameof(envelope));
        }

        var repetitionOrStandard = int.Parse(envelope.Version, CultureInfo.InvariantCulture) >= 402
            ? ((char)(Separators.Repetition ?? throw new ArgumentException("Version 00402 and later need a repetition separator.", nameof(envelope)))).ToString()
            : "U";
        var controlNumber = envelope.ControlNumber.ToString("D9", CultureInfo.InvariantCulture);

        // Every field is checked before any state changes, so a refused envelope leaves the writer usable.
        string[] elements =
        [
            Fixed(envelope.AuthorizationQualifier, 2),
            Fixed(envelope.Authorization, 10),
            Fixed(envelope.SecurityQualifier, 2),
            Fixed(envelope.Security, 10),
            Fixed(envelope.SenderQualifier, 2),
            Fixed(envelope.SenderId, 15),
            Fixed(envelope.ReceiverQualifier, 2),
            Fixed(envelope.ReceiverId, 15),
            envelope.CreatedAt.UtcDateTime.ToString("yyMMdd", CultureInfo.InvariantCulture),
            envelope.CreatedAt.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture),
            repetitionOrStandard,
            envelope.Version,
            controlNumber,
            envelope.AcknowledgmentRequested ? "1" : "0",
            Fixed(envelope.UsageIndicator.ToString(), 1),
            ((char)Separators.Component).ToString(),
        ];
        _interchangeControlNumber = controlNumber;
        _groupCount = 0;
        _anyGroupWritten = false;
        WriteRaw("ISA", elements);
    }

    /// <summary>TA1 interchange acknowledgment; X12 places it after ISA and before the first GS.</summary>
    public void WriteInterchangeAcknowledgment(string acknowledgedControlNumber, string interchangeDate, string interchangeTime, char acknowledgmentCode, int noteCode)
    {
        if (_interchangeControlNumber is null || _anyGroupWritten)
        {
            throw new InvalidOperationException("TA1 belongs after ISA and before the first GS.");
        }

        WriteRaw("TA1", Checked(acknowledgedControlNumber), Checked(interchangeDate), Checked(interchangeTime), acknowledgmentCode.ToString(), noteCode.ToString("D3", CultureInfo.InvariantCulture));
    }

    public void BeginGroup(string functionalIdentifier, string applicationSenderId, string applicationReceiverId, DateTimeOffset createdAt, int controlNumber, string version)
    {
        if (_interchangeControlNumber is null || _groupControlNumber is not null)
        {
            throw new InvalidOperationException("A group needs an open interchange and no open group.");
        }

        if (controlNumber is < 1 or > 999_999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(controlNumber), "GS06 must be between 1 and 999999999.");
        }

        var groupControlNumber = controlNumber.ToString(CultureInfo.InvariantCulture);
        string[] elements =
        [
            Checked(functionalIdentifier),
            Checked(applicationSenderId),
            Checked(applicationReceiverId),
            X12Text.Date(createdAt),
            X12Text.Time(createdAt),
            groupControlNumber,
            "X",
            Checked(version),
        ];
        _groupControlNumber = groupControlNumber;
        _setCount = 0;
        _anyGroupWritten = true;
        _groupCount++;
        WriteRaw("GS", elements);
    }

    /// <summary>Opens a set and returns its control number (ST02), unique within the interchange.</summary>
    public string BeginTransactionSet(string identifier)
    {
        if (_groupControlNumber is null || _setControlNumber is not null)
        {
            throw new InvalidOperationException("A transaction set needs an open group and no open set.");
        }

        ArgumentNullException.ThrowIfNull(identifier);
        if (!Separators.AllowsInElement(identifier) || identifier.Length != 3)
        {
            throw new ArgumentException("ST01 must be a three-character transaction set id.", nameof(identifier));
        }

        _setControlNumber = _nextSetNumber++.ToString("D4", CultureInfo.InvariantCulture);
        _setCount++;
        _setSegmentCount = 0;
        WriteSetSegment("ST", identifier, _setControlNumber);
        return _setControlNumber;
    }

    /// <summary>Writes a segment inside a transaction set; trailing empty elements are dropped as X12 requires.</summary>
    public void WriteSegment(string id, params ReadOnlySpan<string?> elements)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id is "ISA" or "IEA" or "GS" or "GE" or "ST" or "SE" or "TA1")
        {
            throw new ArgumentException($"{id} is an envelope segment; the writer writes it itself.", nameof(id));
        }

        WriteSetSegment(id, elements);
    }

    private void WriteSetSegment(string id, params ReadOnlySpan<string?> elements)
    {
        if (_setControlNumber is null)
        {
            throw new InvalidOperationException("Segments other than envelopes belong inside a transaction set.");
        }

        if (!IsSegmentId(id))
        {
            throw new ArgumentException($"'{id}' is not a segment id.", nameof(id));
        }

        var last = elements.Length - 1;
        while (last >= 0 && string.IsNullOrEmpty(elements[last]))
        {
            last--;
        }

        _output.Write(id);
        for (var i = 0; i <= last; i++)
        {
            _output.Write((char)Separators.Element);
            _output.Write(Checked(elements[i] ?? string.Empty));
        }

        EndSegment();
        _setSegmentCount++;
    }

    public void EndTransactionSet()
    {
        if (_setControlNumber is null)
        {
            throw new InvalidOperationException("No transaction set is open.");
        }

        var controlNumber = _setControlNumber;
        WriteSetSegment("SE", (_setSegmentCount + 1).ToString(CultureInfo.InvariantCulture), controlNumber);
        _setControlNumber = null;
    }

    public void EndGroup()
    {
        if (_groupControlNumber is null || _setControlNumber is not null)
        {
            throw new InvalidOperationException("No group is open, or a transaction set is still open.");
        }

        WriteRaw("GE", _setCount.ToString(CultureInfo.InvariantCulture), _groupControlNumber);
        _groupControlNumber = null;
    }

    public void EndInterchange()
    {
        if (_interchangeControlNumber is null || _groupControlNumber is not null)
        {
            throw new InvalidOperationException("No interchange is open, or a group is still open.");
        }

        WriteRaw("IEA", _groupCount.ToString(CultureInfo.InvariantCulture), _interchangeControlNumber);
        _interchangeControlNumber = null;
    }

    private void WriteRaw(string id, params ReadOnlySpan<string> elements)
    {
        _output.Write(id);
        foreach (var element in elements)
        {
            _output.Write((char)Separators.Element);
            _output.Write(element);
        }

        EndSegment();
    }

    private void EndSegment()
    {
        _output.Write((char)Separators.Segment);
        if (_lineBreakAfterSegment)
        {
            _output.Write('\n');
        }
    }

    private string Checked(string value)
    {
        if (!Separators.AllowsInElement(value))
        {
            throw new ArgumentException($"'{value}' contains a separator or a line break and cannot be written as an element.", nameof(value));
        }

        return value;
    }

    private string Fixed(string value, int width)
    {
        if (value.Length > width)
        {
            throw new ArgumentException($"'{value}' is longer than its fixed ISA width {width}.", nameof(value));
        }

        return Checked(value.PadRight(width));
    }

    private static bool IsSegmentId(string id) =>
        id.Length is 2 or 3 && char.IsAsciiLetterUpper(id[0]) && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}
