namespace OrderOps.Adapters.EdiX12.Writing;

/// <summary>The values of an outbound ISA. Ids are padded by the writer; the control number is ISA13 (1..999999999).</summary>
public sealed record X12InterchangeEnvelope
{
    public required string SenderQualifier { get; init; }

    public required string SenderId { get; init; }

    public required string ReceiverQualifier { get; init; }

    public required string ReceiverId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>ISA12, e.g. 00401 or 00501. From 00402 on, ISA11 carries the repetition separator.</summary>
    public string Version { get; init; } = "00401";

    public required int ControlNumber { get; init; }

    /// <summary>ISA14: ask the receiver for a TA1.</summary>
    public bool AcknowledgmentRequested { get; init; }

    /// <summary>ISA15: P production, T test.</summary>
    public char UsageIndicator { get; init; } = 'P';

    public string AuthorizationQualifier { get; init; } = "00";

    public string Authorization { get; init; } = string.Empty;

    public string SecurityQualifier { get; init; } = "00";

    public string Security { get; init; } = string.Empty;
}
