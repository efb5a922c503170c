using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// Amazon <c>OrderStatus</c> values (Orders API v0) and what they mean canonically. The raw value always stays in
/// channel metadata, because the canonical pair is coarser than Amazon's list.
/// </summary>
internal static class AmazonOrderStatuses
{
    public const string PendingAvailability = "PendingAvailability";
    public const string Pending = "Pending";
    public const string Unshipped = "Unshipped";
    public const string PartiallyShipped = "PartiallyShipped";
    public const string Shipped = "Shipped";
    public const string InvoiceUnconfirmed = "InvoiceUnconfirmed";
    public const string Canceled = "Canceled";
    public const string Unfulfillable = "Unfulfillable";

    public static (FinancialStatus Financial, FulfillmentStatus Fulfillment) Map(string? status) => status switch
    {
        // Placed, payment not authorised yet (PendingAvailability: a pre-order not yet released).
        Pending or PendingAvailability => (FinancialStatus.Pending, FulfillmentStatus.Unfulfilled),
        // Payment authorised; Amazon charges the buyer when the seller confirms shipment.
        Unshipped => (FinancialStatus.Authorized, FulfillmentStatus.Unfulfilled),
        PartiallyShipped => (FinancialStatus.Authorized, FulfillmentStatus.Partial),
        // InvoiceUnconfirmed: everything shipped, the seller has not yet confirmed the invoice reached the buyer.
        Shipped or InvoiceUnconfirmed => (FinancialStatus.Paid, FulfillmentStatus.Fulfilled),
        Canceled => (FinancialStatus.Voided, FulfillmentStatus.Unfulfilled),
        // Multi-Channel Fulfillment orders that cannot be fulfilled; nothing was charged or shipped.
        Unfulfillable => (FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled),
        _ => (FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled),
    };
}
