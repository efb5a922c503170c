namespace OrderOps.Core.Ingest;

/// <summary>Ingest settings, bound from <c>OrderOps:Ingest</c>.</summary>
public sealed class IngestOptions
{
    /// <summary>
    /// How long a delivery id is remembered. Shopify retries for 4 hours and may deliver a day late; a week covers
    /// both with margin. After that, the order-level newer-wins rule still makes a replay harmless.
    /// </summary>
    public TimeSpan DeliveryKeyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a delivery's claim holds off concurrent deliveries of the same key while it is archived and queued. Longer
    /// than that work ever takes; short enough that a redelivery after a crash mid-acceptance is not refused for long.
    /// </summary>
    public TimeSpan DeliveryClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many bytes of whole (not streamed) payloads may be mapped and stored at once, across every concurrent ingest.
    /// Mapping a JSON payload costs several times its size (parsed tree, canonical order, stored document), so sixteen
    /// queue workers each holding a 5 MB webhook once took the app past a gigabyte. A payload larger than the budget
    /// takes all of it; small payloads (most are a few KB) share it without waiting. 8 MiB: one maximal Shopify webhook
    /// (5 MiB) at a time.
    /// </summary>
    public long MappingBudgetBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How often a save that lost an optimistic-concurrency race is retried before the message is retried.</summary>
    public int MaxConcurrencyRetries { get; set; } = 8;
}
