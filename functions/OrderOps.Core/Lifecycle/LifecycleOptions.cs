namespace OrderOps.Core.Lifecycle;

/// <summary>Lifecycle settings, bound from <c>OrderOps:Lifecycle</c>.</summary>
public sealed class LifecycleOptions
{
    /// <summary>Hold orders whose total is above this amount (in the order's currency) for review; null = never.</summary>
    public decimal? ReviewValueThreshold { get; set; }

    /// <summary>Hold orders carrying any of these tags (case-insensitive) for review.</summary>
    public List<string> ReviewRiskTags { get; set; } = [];

    public TimerPolicyOptions ReviewHold { get; set; } = new() { After = TimeSpan.FromHours(24), Policy = ExpiryPolicy.Exception };

    /// <summary>Due this long after release to a location, unless the location acknowledges or ships first.</summary>
    public TimerPolicyOptions FulfillmentAck { get; set; } = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Retry };

    /// <summary>Ship-by SLA: the order's own ShipBy (Amazon LatestShipDate, EDI DTM) or, if none, PlacedAt + the channel default.</summary>
    public TimerPolicyOptions ShipBy { get; set; } = new() { Policy = ExpiryPolicy.Exception };

    /// <summary>
    /// How often a channel that has not confirmed a notification yet is asked again, and how many times before an
    /// operator is asked (Amazon usually processes a feed within minutes; 12 checks 5 minutes apart cover an hour).
    /// </summary>
    public TimerPolicyOptions ChannelRecheck { get; set; } = new() { After = TimeSpan.FromMinutes(5), Policy = ExpiryPolicy.Retry, MaxAttempts = 12 };

    /// <summary>Default ship-by window per channel, counted from PlacedAt, for orders that carry no ship-by date.</summary>
    public Dictionary<string, TimeSpan> ShipByDefaults { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["shopify"] = TimeSpan.FromDays(2) };

    public TimerPolicyOptions PolicyFor(string kind) => kind switch
    {
        TimerKinds.ReviewHold => ReviewHold,
        TimerKinds.FulfillmentAck => FulfillmentAck,
        TimerKinds.ChannelRecheck => ChannelRecheck,
        _ => ShipBy,
    };
}

public sealed class TimerPolicyOptions
{
    public TimeSpan After { get; set; }

    public ExpiryPolicy Policy { get; set; }

    /// <summary>Retries under <see cref="ExpiryPolicy.Retry"/> before an exception is raised.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Under Retry, when the timer is due again (defaults to <see cref="After"/>, at least a minute).</summary>
    public TimeSpan? RetryAfter { get; set; }
}
