namespace OrderOps.Core.Ports;

/// <summary>
/// Tells one sales channel how many units of a SKU it may sell. Implementations make one outbound call through
/// their resilience pipeline and report the outcome; they never throw for channel failures (only for cancellation).
/// </summary>
public interface IChannelInventoryPublisher
{
    /// <summary>The channel name as configured under <c>Inventory:Channels</c>.</summary>
    string Channel { get; }

    /// <summary>
    /// The account the pushes count against (rate limits are per account): <c>shopify:{shop domain}</c>,
    /// <c>amazon:{seller id}</c>. One orchestration per account pushes (<c>channel-sync:{Account}</c>). Defaults to the channel.
    /// </summary>
    string Account => Channel;

    /// <summary>
    /// The account's documented push rate, which the account's orchestration paces to across every instance of the
    /// app unless <c>Inventory:Channels:&lt;channel&gt;:MaxPushesPerSecond</c> says otherwise. Null: the publisher paces
    /// itself (Shopify's cost-based bucket follows the throttle status Shopify returns).
    /// </summary>
    double? PushesPerSecond => null;

    Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken);
}

public enum PublishStatus
{
    Published,

    /// <summary>The SKU has no listing/mapping on the channel; not an error.</summary>
    NotListed,

    /// <summary>Worth retrying (429, 5xx, timeout, network).</summary>
    Transient,

    /// <summary>Retrying will not help until someone fixes something (401/403/422): parked at once.</summary>
    Permanent,
}

public sealed record PublishResult(PublishStatus Status, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static PublishResult Published { get; } = new(PublishStatus.Published);

    public static PublishResult NotListed { get; } = new(PublishStatus.NotListed);
}
