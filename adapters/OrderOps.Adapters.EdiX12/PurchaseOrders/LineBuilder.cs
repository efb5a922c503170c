namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>One PO1 loop: the PO1 line with what its CTP/PID tell about price and title.</summary>
internal sealed class LineBuilder(string lineId)
{
    private int _skuRank = int.MaxValue;
    private int _channelItemRank = int.MaxValue;

    public string LineId { get; } = lineId;

    public int Quantity { get; set; }

    public decimal QuantityAsSent { get; set; }

    public decimal? UnitPrice { get; set; }

    public decimal? ContractPrice { get; set; }

    public string? Description { get; set; }

    /// <summary>The most preferred of the PO1 product ids for our SKU (<see cref="X12Codes.SkuPreference"/>).</summary>
    public string? Sku { get; private set; }

    /// <summary>The most preferred buyer's id (<see cref="X12Codes.ChannelItemPreference"/>).</summary>
    public string? ChannelItemId { get; private set; }

    /// <summary>A PD (product description) id, the title when there is no PID.</summary>
    public string? ProductDescription { get; private set; }

    /// <summary>"qualifier value" of the first id: the title of last resort.</summary>
    public string? FirstProductId { get; private set; }

    /// <summary>
    /// Takes one PO1 qualifier/value pair. Only ids the canonical order uses become strings; the rest stay in the
    /// verbatim segment text in channel metadata.
    /// </summary>
    public void OfferProductId(ReadOnlySpan<byte> qualifier, ReadOnlySpan<byte> value)
    {
        FirstProductId ??= $"{System.Text.Encoding.UTF8.GetString(qualifier)} {System.Text.Encoding.UTF8.GetString(value)}";
        var skuRank = RankOf(qualifier, X12Codes.SkuPreference);
        if (skuRank < _skuRank)
        {
            _skuRank = skuRank;
            Sku = System.Text.Encoding.UTF8.GetString(value);
        }

        var itemRank = RankOf(qualifier, X12Codes.ChannelItemPreference);
        if (itemRank < _channelItemRank)
        {
            _channelItemRank = itemRank;
            ChannelItemId = System.Text.Encoding.UTF8.GetString(value);
        }

        if (ProductDescription is null && Matches(qualifier, X12Codes.ProductDescription))
        {
            ProductDescription = System.Text.Encoding.UTF8.GetString(value);
        }
    }

    private static int RankOf(ReadOnlySpan<byte> qualifier, string[] preference)
    {
        for (var i = 0; i < preference.Length; i++)
        {
            if (Matches(qualifier, preference[i]))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static bool Matches(ReadOnlySpan<byte> qualifier, string code) =>
        qualifier.Length == code.Length && qualifier[0] == code[0] && (code.Length < 2 || qualifier[1] == code[1]);
}
