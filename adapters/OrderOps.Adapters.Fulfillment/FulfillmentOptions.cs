namespace OrderOps.Adapters.Fulfillment;

/// <summary>Bound from <c>Fulfillment</c>: <c>Fulfillment:Locations:&lt;id&gt;:Url</c> (and optionally <c>:ApiKey</c>).</summary>
public sealed class FulfillmentOptions
{
    public Dictionary<string, FulfillmentLocationOptions> Locations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per-attempt timeout of a call to a location.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt on 5xx, 408, 429 and network errors (exponential backoff with jitter).</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

public sealed class FulfillmentLocationOptions
{
    /// <summary>The location's webhook endpoint; releases and cancels are POSTed here.</summary>
    public string? Url { get; set; }

    /// <summary>Sent as <c>X-OrderOps-Key</c> so the location can tell the calls are ours.</summary>
    public string? ApiKey { get; set; }
}
