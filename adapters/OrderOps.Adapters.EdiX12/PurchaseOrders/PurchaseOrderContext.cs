using OrderOps.Adapters.EdiX12.Envelopes;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>What an 850 mapping needs from outside the set: the partner and the envelopes it arrived in.</summary>
public sealed record PurchaseOrderContext(
    string PartnerId,
    string DefaultCurrency,
    InterchangeHeader Interchange,
    FunctionalGroupHeader Group,
    TransactionSetHeader TransactionSet);
