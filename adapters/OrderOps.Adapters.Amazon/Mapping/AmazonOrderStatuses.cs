using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// Amazon order statuses and what they mean canonically: Orders API v2026-01-01 <c>fulfillment.fulfillmentStatus</c>
/// (PENDING_AVAILABILITY … UNFULFILLABLE) and, for payloads archived before the move, v0 <c>OrderStatus</c>
/// (PendingAvailability … Unfulfillable). The raw value always stays in channel metadata, because the canonical pair
/// is coarser than Amazon's list.
/// </summary>
internal static class AmazonOrderStatuses
{
    public const string PendingAvailabilityV2026 = "PENDING_AVAILABILITY";
    public const string Cancelled = "CANCELLED";
    public const string Shipped = "SHIPPED";
    public const string PartiallyShipped = "PARTIALLY_SHIPPED";

    /// <summary>v0 spelling of a cancelled order.</summary>
    public const string Canceled = "Canceled";

    public static (FinancialStatus Financial, FulfillmentStatus Fulfillment) Map(string? status) => status switch
    {
        // Placed, payment not authorised yet (PENDING_AVAILABILITY: a pre-order whose release date is in the future).
        "PENDING" or PendingAvailabilityV2026 or "Pending" or "PendingAvailability" => (FinancialStatus.Pending, FulfillmentStatus.Unfulfilled),
        // Payment authorised; Amazon charges the buyer when the seller confirms shipment.
        "UNSHIPPED" or "Unshipped" => (FinancialStatus.Authorized, FulfillmentStatus.Unfulfilled),
        PartiallyShipped or "PartiallyShipped" => (FinancialStatus.Authorized, FulfillmentStatus.Partial),
        // v0 InvoiceUnconfirmed: everything shipped, the seller has not yet confirmed the invoice reached the buyer.
        Shipped or "Shipped" or "InvoiceUnconfirmed" => (FinancialStatus.Paid, FulfillmentStatus.Fulfilled),
        Cancelled or Canceled => (FinancialStatus.Voided, FulfillmentStatus.Unfulfilled),
        // Multi-Channel Fulfillment orders that cannot be fulfilled; nothing was charged or shipped.
        "UNFULFILLABLE" or "Unfulfillable" => (FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled),
        _ => (FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled),
    };

    /// <summary>Amazon shows the order cancelled (either spelling).</summary>
    public static bool IsCancelled(string? status) => status is Cancelled or Canceled;

    /// <summary>Amazon shows some or all of it shipped (either spelling): a seller cancellation would refund everything.</summary>
    public static bool IsShippedAtAll(string? status) => status is Shipped or PartiallyShipped or "Shipped" or "PartiallyShipped" or "InvoiceUnconfirmed";
}
