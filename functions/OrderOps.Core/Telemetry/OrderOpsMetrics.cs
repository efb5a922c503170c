using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrderOps.Core.Telemetry;

/// <summary>
/// What the platform counts as it happens, on meter <see cref="MeterName"/> (the one OpenTelemetry exports, next to
/// the gauges read from storage): orders received, how long orders took from received to released and to shipped,
/// lifecycle exceptions opened and resolved, and each inventory push to a channel with its latency and failures. The
/// console's charts are fed from these very instruments. Labels are channel, account and kind names, never ids or
/// personal data, so their number stays bounded by configuration.
/// </summary>
public sealed class OrderOpsMetrics
{
    public const string MeterName = "OrderOps";

    public const string OrdersReceived = "orderops.orders.received";
    public const string TimeToRelease = "orderops.orders.time_to_release";
    public const string TimeToShip = "orderops.orders.time_to_ship";
    public const string ExceptionsOpened = "orderops.exceptions.opened";
    public const string ExceptionsResolved = "orderops.exceptions.resolved";
    public const string PushDuration = "orderops.inventory.push.duration";
    public const string PushFailures = "orderops.inventory.push.failures";

    /// <summary>
    /// Bucket bounds (seconds) for the order durations: minutes to a week, so p50/p95 read from the buckets are good to
    /// the bucket (OpenTelemetry's default bounds are for milliseconds and would put every order in the last one).
    /// </summary>
    public static readonly IReadOnlyList<double> OrderDurationBounds =
        [1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 345600, 604800];

    /// <summary>Bucket bounds (seconds) for one push: a fast API call to a slow retrying one.</summary>
    public static readonly IReadOnlyList<double> PushDurationBounds =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _received;
    private readonly Histogram<double> _toRelease;
    private readonly Histogram<double> _toShip;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _resolved;
    private readonly Histogram<double> _push;
    private readonly Counter<long> _pushFailures;

    public OrderOpsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>(OrdersReceived, "{order}", "New orders stored, by channel.");
        _toRelease = meter.CreateHistogram(TimeToRelease, "s", "From an order's arrival to its release to a location, by channel.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = OrderDurationBounds });
        _toShip = meter.CreateHistogram(TimeToShip, "s", "From an order's arrival to its first shipment, by channel.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = OrderDurationBounds });
        _opened = meter.CreateCounter<long>(ExceptionsOpened, "{exception}", "Lifecycle exceptions opened, by kind and channel.");
        _resolved = meter.CreateCounter<long>(ExceptionsResolved, "{exception}", "Lifecycle exceptions resolved, by kind and channel.");
        _push = meter.CreateHistogram(PushDuration, "s", "One inventory push to a channel account, by channel, account and outcome.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = PushDurationBounds });
        _pushFailures = meter.CreateCounter<long>(PushFailures, "{push}", "Inventory pushes a channel account failed, by channel, account and status (transient or permanent).");
    }

    public void OrderReceived(string channel) => _received.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void OrderReleased(string channel, TimeSpan sinceReceived) => _toRelease.Record(Seconds(sinceReceived), new KeyValuePair<string, object?>("channel", channel));

    public void OrderShipped(string channel, TimeSpan sinceReceived) => _toShip.Record(Seconds(sinceReceived), new KeyValuePair<string, object?>("channel", channel));

    public void ExceptionOpened(string kind, string channel) => _opened.Add(1, new("kind", kind), new("channel", channel));

    public void ExceptionResolved(string kind, string channel) => _resolved.Add(1, new("kind", kind), new("channel", channel));

    /// <param name="outcome">published, not_listed, transient or permanent.</param>
    public void Pushed(string channel, string account, string outcome, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "channel", channel }, { "account", account }, { "outcome", outcome } };
        _push.Record(elapsed.TotalSeconds, tags);
        if (failed)
        {
            _pushFailures.Add(1, new("channel", channel), new("account", account), new("status", outcome));
        }
    }

    private static double Seconds(TimeSpan elapsed) => Math.Max(0, elapsed.TotalSeconds);
}
