namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>AK4: one bad element of a segment. <see cref="Position"/> is 1-based; <see cref="ComponentPosition"/> for composites.</summary>
public sealed record ElementError(int Position, int? ComponentPosition, string? ElementReference, ElementErrorCode Code, string? BadValue, string Message);

/// <summary>AK3: one bad segment of a transaction set, at its 1-based position counting ST as 1.</summary>
public sealed record SegmentError(string SegmentId, int PositionInSet, string? LoopId, SegmentErrorCode Code, string Message)
{
    public IReadOnlyList<ElementError> Elements { get; init; } = [];
}
