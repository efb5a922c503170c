using System.Globalization;
using System.Text;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Writing;

namespace OrderOps.Adapters.EdiX12.Acknowledgments;

/// <summary>
/// Builds the acknowledgment interchange for one inbound interchange while it is being read: one FA group with
/// one 997 per inbound functional group (AK1, an AK2/AK3/AK4/AK5 per transaction set, AK9), and TA1 segments for
/// interchange-level findings. Envelope values are derived from the inbound interchange: sender and receiver
/// swapped, same version, separators and usage indicator, GS08 of the acknowledged group. Only the 997 text is kept
/// in memory (a few dozen bytes per set), never the inbound data.
/// </summary>
public sealed class FunctionalAcknowledgmentWriter
{
    private readonly StringBuilder _text = new();
    private readonly X12Writer _writer;
    private readonly InterchangeHeader _inbound;
    private readonly int _isaLength;
    private int _groupNumber;

    public FunctionalAcknowledgmentWriter(InterchangeHeader inbound, int controlNumber, DateTimeOffset now, bool lineBreakAfterSegment = false)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        _inbound = inbound;
        Now = now;
        var version = inbound.Version.Length == 5 && inbound.Version.All(char.IsAsciiDigit) ? inbound.Version : "00401";
        if (inbound.Separators.Repetition is null && int.Parse(version, CultureInfo.InvariantCulture) >= 402)
        {
            // Without a usable repetition separator the ack cannot be 00402+; 00401 is what every partner reads.
            version = "00401";
        }

        _writer = new X12Writer(new StringWriter(_text, CultureInfo.InvariantCulture), inbound.Separators, lineBreakAfterSegment);
        _writer.BeginInterchange(new X12InterchangeEnvelope
        {
            SenderQualifier = Clean(inbound.ReceiverQualifier, 2),
            SenderId = Clean(inbound.ReceiverId, 15),
            ReceiverQualifier = Clean(inbound.SenderQualifier, 2),
            ReceiverId = Clean(inbound.SenderId, 15),
            CreatedAt = now,
            Version = version,
            ControlNumber = controlNumber,
            UsageIndicator = inbound.UsageIndicator == "T" ? 'T' : 'P',
        });
        _isaLength = _text.Length;
    }

    public DateTimeOffset Now { get; }

    public X12Separators Separators => _writer.Separators;

    public void BeginGroup(FunctionalGroupHeader group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _writer.BeginGroup("FA", Clean(group.ApplicationReceiverId, 15, "UNKNOWN"), Clean(group.ApplicationSenderId, 15, "UNKNOWN"), Now, ++_groupNumber, Clean(group.Version, 12, "004010"));
        _writer.BeginTransactionSet("997");
        _writer.WriteSegment("AK1", Clean(group.FunctionalIdentifier, 2), Clean(group.ControlNumber, 9));
    }

    public void WriteTransactionSet(TransactionSetOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _writer.WriteSegment("AK2", Clean(outcome.Header.Identifier, 3), Clean(outcome.Header.ControlNumber, 9));
        foreach (var error in outcome.SegmentErrors)
        {
            var id = Clean(error.SegmentId, 3);
            if (id.Length < 2)
            {
                // An empty or one-character id cannot be echoed in AK301; AK5 still carries code 5.
                continue;
            }

            _writer.WriteSegment("AK3", id, error.PositionInSet.ToString(CultureInfo.InvariantCulture), error.LoopId, Code((int)error.Code));
            foreach (var element in error.Elements)
            {
                var position = element.ComponentPosition is { } component
                    ? FormattableString.Invariant($"{element.Position}{(char)Separators.Component}{component}")
                    : element.Position.ToString(CultureInfo.InvariantCulture);
                _writer.WriteSegment("AK4", position, element.ElementReference, Code((int)element.Code), element.BadValue is null ? null : Clean(element.BadValue, 99));
            }
        }

        if (outcome.Errors.Count == 0)
        {
            // The usual case, written without building a code list.
            _writer.WriteSegment("AK5", Acknowledgment(outcome.Acknowledgment));
            return;
        }

        WriteCodes("AK5", Acknowledgment(outcome.Acknowledgment), outcome.Errors.Select(e => (int)e));
    }

    public void EndGroup(FunctionalGroupOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        WriteCodes(
            "AK9",
            Acknowledgment(outcome.Acknowledgment),
            outcome.Errors.Select(e => (int)e),
            outcome.IncludedCount.ToString(CultureInfo.InvariantCulture),
            outcome.ReceivedCount.ToString(CultureInfo.InvariantCulture),
            outcome.AcceptedCount.ToString(CultureInfo.InvariantCulture));
        _writer.EndTransactionSet();
        _writer.EndGroup();
    }

    /// <summary>Closes the interchange and returns the acknowledgment document, with a TA1 per note when there are any.</summary>
    public string Complete(IReadOnlyList<InterchangeNoteCode> notes, char interchangeAcknowledgment, bool alwaysWriteTa1)
    {
        ArgumentNullException.ThrowIfNull(notes);
        _writer.EndInterchange();
        var codes = notes.Count > 0 ? notes : alwaysWriteTa1 ? [InterchangeNoteCode.NoError] : [];
        if (codes.Count > 0)
        {
            // TA1 goes right after ISA; it is known only at IEA, so it is inserted once the interchange is complete.
            var ta1 = new StringBuilder();
            foreach (var note in codes)
            {
                ta1.Append("TA1").Append((char)Separators.Element).Append(Clean(_inbound.ControlNumber, 9))
                    .Append((char)Separators.Element).Append(Clean(_inbound.Date, 6))
                    .Append((char)Separators.Element).Append(Clean(_inbound.Time, 4))
                    .Append((char)Separators.Element).Append(interchangeAcknowledgment)
                    .Append((char)Separators.Element).Append(((int)note).ToString("D3", CultureInfo.InvariantCulture))
                    .Append((char)Separators.Segment);
                if (_text[_isaLength - 1] == '\n' && Separators.Segment != (byte)'\n')
                {
                    ta1.Append('\n');
                }
            }

            _text.Insert(_isaLength, ta1.ToString());
        }

        return _text.ToString();
    }

    private void WriteCodes(string segmentId, string acknowledgment, IEnumerable<int> codes, params string[] before)
    {
        var elements = new List<string?>(before.Length + 6) { acknowledgment };
        elements.AddRange(before);
        elements.AddRange(codes.Take(5).Select(Code));
        _writer.WriteSegment(segmentId, [.. elements]);
    }

    /// <summary>The common case: printable ASCII, no separator, no padding; returned as is without copying.</summary>
    private bool IsPlain(string value)
    {
        if (value[0] == ' ' || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' || c == Separators.Element || c == Separators.Component || c == Separators.Segment || (Separators.Repetition is { } r && c == r))
            {
                return false;
            }
        }

        return true;
    }

    private static string Acknowledgment(AcknowledgmentCode code) => code switch
    {
        AcknowledgmentCode.Accepted => "A",
        AcknowledgmentCode.AcceptedWithErrors => "E",
        AcknowledgmentCode.PartiallyAccepted => "P",
        _ => "R",
    };

    private static string Code(int code) => code.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Echoed inbound values may hold anything a broken file contains; an acknowledgment must still be valid X12,
    /// so separators and control characters become spaces and the value is cut to its element's maximum length.
    /// </summary>
    private string Clean(string value, int maxLength, string? whenEmpty = null)
    {
        if (value.Length is > 0 and var length && length <= maxLength && IsPlain(value))
        {
            return value;
        }

        var chars = value.Trim().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]) || !Separators.AllowsInElement(chars.AsSpan(i, 1)) || chars[i] > '~')
            {
                chars[i] = ' ';
            }
        }

        var cleaned = new string(chars).Trim();
        if (cleaned.Length > maxLength)
        {
            cleaned = cleaned[..maxLength];
        }

        return cleaned.Length == 0 && whenEmpty is not null ? whenEmpty : cleaned;
    }
}
