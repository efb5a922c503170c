namespace OrderOps.Adapters.Amazon;

/// <summary>
/// Settings of the Amazon channel, bound from <c>Channels:Amazon</c>. Defaults are Amazon's production values
/// (North America endpoint, documented usage plans), so a deployment only supplies credentials and accounts;
/// tests and sandboxes override <see cref="Endpoint"/>, <see cref="LwaEndpoint"/> and <see cref="RateLimits"/>.
/// </summary>
public sealed class AmazonOptions
{
    public const string SectionName = "Channels:Amazon";

    /// <summary>Selling Partner API regional endpoint.</summary>
    public Uri Endpoint { get; set; } = new("https://sellingpartnerapi-na.amazon.com");

    /// <summary>Login with Amazon token endpoint.</summary>
    public Uri LwaEndpoint { get; set; } = new("https://api.amazon.com/auth/o2/token");

    /// <summary>LWA client id of the SP-API application.</summary>
    public string? ClientId { get; set; }

    /// <summary>LWA client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Authorised seller accounts, keyed by seller id (<c>Channels:Amazon:Accounts:&lt;sellerId&gt;</c>).</summary>
    public Dictionary<string, AmazonAccountOptions> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Six-field NCRONTAB schedule of the poll timer (seconds first, as Azure Functions timers use).</summary>
    public string PollSchedule { get; set; } = "0 */5 * * * *";

    /// <summary>How far behind the watermark each poll starts again, so orders Amazon indexes late are not missed.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the first-ever poll of an account + marketplace starts, back from now.</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Amazon requires <c>lastUpdatedBefore</c> to be at least two minutes before the request; each poll window
    /// therefore ends this far before now.
    /// </summary>
    public TimeSpan WindowEndLag { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>searchOrders <c>maxResultsPerPage</c> (Amazon allows 1 to 100). Every order comes with its items, so a full page is the cheapest.</summary>
    public int MaxResultsPerPage { get; set; } = 100;

    /// <summary>An access token is refreshed this long before LWA says it expires.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(1);

    public AmazonRateLimits RateLimits { get; set; } = new();

    public AmazonCancellationOptions Cancellation { get; set; } = new();

    public AmazonRetryOptions Retry { get; set; } = new();

    public AmazonCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Time allowed for one HTTP attempt, not counting the wait for a rate-limit permit.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class AmazonAccountOptions
{
    /// <summary>The LWA refresh token the seller granted this application. Never logged.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>Marketplaces polled for this seller, e.g. ATVPDKIKX0DER. A single comma-separated value is accepted too.</summary>
    public List<string> MarketplaceIds { get; set; } = [];
}

/// <summary>A usage plan: sustained requests per second and bucket size, as Amazon documents them per operation.</summary>
public sealed class AmazonRateLimit
{
    public double RequestsPerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>
/// Usage plans per operation. Defaults are Amazon's documented values: the Orders API v2026-01-01 model (searchOrders
/// 0.0056 rps burst 20, getOrder 0.5 rps burst 30), the v0 reference (confirmShipment) and the Feeds API 2021-06-30 model
/// (createFeedDocument, createFeed, getFeed, getFeedDocument). Amazon may grant a seller more; the
/// <c>x-amzn-RateLimit-Limit</c> header it answers with then replaces the rate at run time.
/// </summary>
public sealed class AmazonRateLimits
{
    /// <summary>Names of v0 plans that no longer exist, with the setting that replaced each (refused at start).</summary>
    public static IReadOnlyDictionary<string, string> Retired { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["GetOrders"] = "SearchOrders",
        ["GetOrderItems"] = "GetOrder",
    };

    public AmazonRateLimit SearchOrders { get; set; } = new() { RequestsPerSecond = 0.0056, Burst = 20 };

    public AmazonRateLimit GetOrder { get; set; } = new() { RequestsPerSecond = 0.5, Burst = 30 };

    public AmazonRateLimit ConfirmShipment { get; set; } = new() { RequestsPerSecond = 2, Burst = 10 };

    public AmazonRateLimit CreateFeedDocument { get; set; } = new() { RequestsPerSecond = 0.0083, Burst = 15 };

    public AmazonRateLimit CreateFeed { get; set; } = new() { RequestsPerSecond = 0.0083, Burst = 15 };

    public AmazonRateLimit GetFeed { get; set; } = new() { RequestsPerSecond = 2, Burst = 15 };

    public AmazonRateLimit GetFeedDocument { get; set; } = new() { RequestsPerSecond = 0.0222, Burst = 10 };

    /// <summary>Every operation's plan, keyed by its SP-API operation name (<see cref="Client.SpApiOperations"/>).</summary>
    public IReadOnlyDictionary<string, AmazonRateLimit> ByOperation() => new Dictionary<string, AmazonRateLimit>(StringComparer.Ordinal)
    {
        [Client.SpApiOperations.SearchOrders] = SearchOrders,
        [Client.SpApiOperations.GetOrder] = GetOrder,
        [Client.SpApiOperations.ConfirmShipment] = ConfirmShipment,
        [Client.SpApiOperations.CreateFeedDocument] = CreateFeedDocument,
        [Client.SpApiOperations.CreateFeed] = CreateFeed,
        [Client.SpApiOperations.GetFeed] = GetFeed,
        [Client.SpApiOperations.GetFeedDocument] = GetFeedDocument,
    };
}

/// <summary>
/// How an operator's cancellation of an Amazon order reaches Amazon: an order acknowledgement feed
/// (<c>POST_ORDER_ACKNOWLEDGEMENT_DATA</c>, StatusCode Failure) whose processing report is awaited this long.
/// </summary>
public sealed class AmazonCancellationOptions
{
    /// <summary>
    /// Amazon's <c>CancelReason</c> for every item (OrderAcknowledgement.xsd: NoInventory, ShippingAddressUndeliverable,
    /// CustomerExchange, BuyerCanceled, GeneralAdjustment, CarrierCreditDecision, RiskAssessmentInformationNotValid,
    /// CarrierCoverageFailure, CustomerReturn, MerchandiseNotReceived). Amazon restocks the listing for every reason
    /// except NoInventory.
    /// </summary>
    public string CancelReason { get; set; } = "GeneralAdjustment";

    /// <summary>
    /// How long one notification waits for Amazon to finish processing the feed before it reports Pending
    /// (the feed is remembered, so the next attempt reads the same feed's result instead of sending another).
    /// </summary>
    public TimeSpan ResultWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between getFeed calls while waiting (getFeed allows 2 requests per second).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class AmazonRetryOptions
{
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>First backoff delay; doubles per attempt, with jitter. A Retry-After header wins over it.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class AmazonCircuitBreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
