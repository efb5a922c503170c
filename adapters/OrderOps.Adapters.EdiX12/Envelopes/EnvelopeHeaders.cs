using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>ISA as read: ids trimmed of their fixed-width padding, everything else as sent.</summary>
public sealed record InterchangeHeader(
    string SenderQualifier,
    string SenderId,
    string ReceiverQualifier,
    string ReceiverId,
    string Date,
    string Time,
    string StandardsOrRepetition,
    string Version,
    string ControlNumber,
    string AcknowledgmentRequested,
    string UsageIndicator,
    X12Separators Separators)
{
    internal static InterchangeHeader From(X12Segment isa) => new(
        isa.GetTrimmed(5) ?? string.Empty,
        isa.GetTrimmed(6) ?? string.Empty,
        isa.GetTrimmed(7) ?? string.Empty,
        isa.GetTrimmed(8) ?? string.Empty,
        isa.GetString(9) ?? string.Empty,
        isa.GetString(10) ?? string.Empty,
        isa.GetString(11) ?? string.Empty,
        isa.GetString(12) ?? string.Empty,
        isa.GetString(13) ?? string.Empty,
        isa.GetString(14) ?? string.Empty,
        isa.GetString(15) ?? string.Empty,
        isa.Separators);

    /// <summary>ISA13 must be exactly nine digits.</summary>
    public bool HasValidControlNumber => ControlNumber.Length == 9 && ControlNumber.All(char.IsAsciiDigit);
}

/// <summary>GS as read.</summary>
public sealed record FunctionalGroupHeader(
    string FunctionalIdentifier,
    string ApplicationSenderId,
    string ApplicationReceiverId,
    string Date,
    string Time,
    string ControlNumber,
    string ResponsibleAgency,
    string Version,
    long SegmentPosition)
{
    internal static FunctionalGroupHeader From(X12Segment gs) => new(
        gs.GetString(1) ?? string.Empty,
        gs.GetTrimmed(2) ?? string.Empty,
        gs.GetTrimmed(3) ?? string.Empty,
        gs.GetString(4) ?? string.Empty,
        gs.GetString(5) ?? string.Empty,
        gs.GetString(6) ?? string.Empty,
        gs.GetString(7) ?? string.Empty,
        gs.GetString(8) ?? string.Empty,
        gs.Position);

    /// <summary>GS06 is a number of one to nine digits.</summary>
    public bool HasValidControlNumber => ControlNumber.Length is >= 1 and <= 9 && ControlNumber.All(char.IsAsciiDigit);
}

/// <summary>ST as read.</summary>
public sealed record TransactionSetHeader(string Identifier, string ControlNumber, string? ImplementationReference, long SegmentPosition)
{
    internal static TransactionSetHeader From(X12Segment st) =>
        new(st.GetString(1) ?? string.Empty, st.GetString(2) ?? string.Empty, st.GetString(3), st.Position);
}
