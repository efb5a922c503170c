namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>One PO1 loop: the PO1 line with its CTP/PID/PO4/REF/DTM and whatever else the partner sends.</summary>
internal sealed class LineBuilder(string lineId, int positionInSet)
{
    public string LineId { get; } = lineId;

    public int PositionInSet { get; } = positionInSet;

    public int Quantity { get; set; }

    public decimal QuantityAsSent { get; set; }

    public decimal? UnitPrice { get; set; }

    public decimal? ContractPrice { get; set; }

    public string? UnitOfMeasure { get; set; }

    public string? BasisOfUnitPrice { get; set; }

    /// <summary>PO106/PO107... qualifier/value pairs in the order sent (BP, VP, VN, UP, SK...).</summary>
    public List<KeyValuePair<string, string>> ProductIds { get; } = [];

    public string? Description { get; set; }

    /// <summary>Raw text of the loop's segments (PO1, PID, PO4, CTP, REF...), kept for channel metadata.</summary>
    public List<string> Segments { get; } = [];

    public string? FindProductId(params ReadOnlySpan<string> qualifiers)
    {
        foreach (var qualifier in qualifiers)
        {
            foreach (var (q, value) in ProductIds)
            {
                if (q == qualifier)
                {
                    return value;
                }
            }
        }

        return null;
    }
}
