using OrderOps.Adapters.EdiX12.Envelopes;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>What an 850 mapping needs from outside the set: the partner and the envelopes it arrived in.</summary>
public sealed record PurchaseOrderContext(
    string PartnerId,
    string DefaultCurrency,
    InterchangeHeader Interchange,
    FunctionalGroupHeader Group,
    TransactionSetHeader TransactionSet)
{
    /// <summary>GS04/GS05 as UTC: the order's updatedAt (EDI has no modification time). Computed once per group.</summary>
    public DateTimeOffset? GroupCreatedAt { get; init; }

    public static DateTimeOffset? CreatedAt(FunctionalGroupHeader group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return X12Dates.TryParseDate(System.Text.Encoding.ASCII.GetBytes(group.Date), out var date)
            ? X12Dates.AtUtc(date, X12Dates.TryParseTime(System.Text.Encoding.ASCII.GetBytes(group.Time), out var time) ? time : TimeOnly.MinValue)
            : null;
    }
}
