using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>Collects AK3/AK4 findings of one set, marking whether any of them rejects it.</summary>
internal sealed class MappingErrors
{
    private readonly List<SegmentError> _errors = [];

    public IReadOnlyList<SegmentError> All => _errors;

    public bool Rejects { get; private set; }

    public void Element(X12Segment segment, int positionInSet, int elementPosition, ElementErrorCode code, string message, bool rejects = true)
    {
        var bad = segment.GetString(elementPosition);
        if (bad is { Length: > 99 })
        {
            bad = bad[..99];
        }

        Add(new SegmentError(segment.GetString(0) ?? string.Empty, positionInSet, null, SegmentErrorCode.SegmentHasDataElementErrors, message)
        {
            Elements = [new ElementError(elementPosition, null, null, code, bad, message)],
        }, rejects);
    }

    public void Segment(string segmentId, int positionInSet, SegmentErrorCode code, string message, bool rejects = true) =>
        Add(new SegmentError(segmentId, positionInSet, null, code, message), rejects);

    private void Add(SegmentError error, bool rejects)
    {
        Rejects |= rejects;
        if (_errors.Count < 100)
        {
            _errors.Add(error);
        }
    }
}
