using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Processing;

/// <summary>What happened to one interchange (ISA..IEA) of the input.</summary>
public enum EdiInterchangeStatus
{
    /// <summary>From a known partner, to us: its accepted 850 sets became orders (see the groups for rejects).</summary>
    Processed,

    /// <summary>The ISA/GS sender is no configured partner: nothing ingested, nothing acknowledged; archive it.</summary>
    UnknownSender,

    /// <summary>A known partner, but ISA07/ISA08 is not our receiver id: rejected with TA1 note 009.</summary>
    NotAddressedToUs,

    /// <summary>The partner already sent this interchange control number: not ingested again, TA1 note 025.</summary>
    Duplicate,

    /// <summary>ISA13 is not nine digits: the interchange cannot be identified, rejected with TA1 note 018.</summary>
    InvalidControlNumber,
}

/// <summary>One interchange's outcome: partner, control number, 997/TA1 text and the per-set findings.</summary>
public sealed record EdiInterchangeResult
{
    public required EdiInterchangeStatus Status { get; init; }

    /// <summary>The configured partner id (the orders' channelAccount); null for an unknown sender.</summary>
    public string? PartnerId { get; init; }

    public required InterchangeHeader Header { get; init; }

    /// <summary>ISA13, the partner's interchange control number.</summary>
    public string ControlNumber => Header.ControlNumber;

    /// <summary>Key under which the interchange is remembered to detect repeats: sender qualifier, sender id, ISA13.</summary>
    public string DuplicateKey => EdiInterchangeKeys.For(Header);

    /// <summary>The acknowledgment interchange to send back (997 groups and/or TA1); null when nothing is to be sent.</summary>
    public string? Acknowledgment { get; init; }

    public IReadOnlyList<FunctionalGroupOutcome> Groups { get; init; } = [];

    /// <summary>Transaction sets that were not plainly accepted (AK5 other than A), with their errors; the first 1000.</summary>
    public IReadOnlyList<TransactionSetOutcome> SetsWithErrors { get; init; } = [];

    /// <summary>How many sets were not plainly accepted, including those beyond <see cref="SetsWithErrors"/>.</summary>
    public int SetsWithErrorsCount { get; init; }

    public IReadOnlyList<InterchangeNoteCode> Notes { get; init; } = [];

    public int OrderCount { get; init; }

    public int TransactionSetCount { get; init; }
}

/// <summary>The outcome of one input file, which may hold several interchanges.</summary>
public sealed record EdiProcessingResult
{
    public IReadOnlyList<EdiInterchangeResult> Interchanges { get; init; } = [];

    /// <summary>Set when the input stopped being readable after at least one ISA; what was open is reported as truncated.</summary>
    public X12ParseException? ParseError { get; init; }

    /// <summary>The orders, when the caller asked for them to be collected (<see cref="EdiInterchangeProcessor.Process"/>).</summary>
    public IReadOnlyList<CanonicalOrder> Orders { get; init; } = [];

    public long BytesRead { get; init; }
}

public static class EdiInterchangeKeys
{
    /// <summary>Control numbers are unique per interchange sender, so the key is scoped by ISA05/ISA06.</summary>
    public static string For(InterchangeHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return $"edi:interchange:{header.SenderQualifier}:{header.SenderId}:{header.ControlNumber}";
    }
}
