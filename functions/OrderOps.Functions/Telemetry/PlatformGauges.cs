using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Telemetry;
using OrderOps.Functions.Console;
using OrderOps.Functions.Operations.Health;

namespace OrderOps.Functions.Telemetry;

/// <summary>
/// The platform's state as OpenTelemetry gauges (meter <see cref="OrderOpsMetrics.MeterName"/>): orders by channel and state (and stuck), queue
/// depth and oldest age, open exceptions by kind, inventory pushes waiting and parked and the oldest's wait per channel,
/// and Amazon poll lag. Read from storage every <see cref="TelemetryOptions.GaugeInterval"/> by this background service
/// and reported from that snapshot, so an export never waits on storage. Labels are ids and names, never personal data.
/// </summary>
internal sealed partial class PlatformGauges : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly IOptions<TelemetryOptions> _options;
    private readonly ILogger<PlatformGauges> _logger;
    private readonly Meter _meter;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public PlatformGauges(IServiceProvider services, IMeterFactory meters, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<PlatformGauges> logger)
    {
        _services = services;
        _time = time;
        _options = options;
        _logger = logger;
        _meter = meters.Create(OrderOpsMetrics.MeterName);
        _meter.CreateObservableGauge("orderops.orders", () => _snapshot.Orders, "{order}", "Orders by lifecycle state and channel.");
        _meter.CreateObservableGauge("orderops.orders.stuck", () => _snapshot.Stuck, "{order}", "Orders unchanged for longer than their state's threshold.");
        _meter.CreateObservableGauge("orderops.queue.depth", () => _snapshot.QueueDepth, "{message}", "Messages waiting per queue.");
        _meter.CreateObservableGauge("orderops.queue.oldest_age", () => _snapshot.QueueAge, "s", "How long the oldest message of each queue has waited.");
        _meter.CreateObservableGauge("orderops.exceptions.open", () => _snapshot.Exceptions, "{exception}", "Open lifecycle exceptions by kind and channel.");
        _meter.CreateObservableGauge("orderops.inventory.pushes.pending", () => _snapshot.PushesPending, "{push}", "Inventory pushes owed per channel.");
        _meter.CreateObservableGauge("orderops.inventory.pushes.parked", () => _snapshot.PushesParked, "{push}", "Inventory pushes parked after failing, per channel.");
        _meter.CreateObservableGauge("orderops.inventory.push.lag", () => _snapshot.PushLag, "s", "How long the oldest owed push of each channel has waited.");
        _meter.CreateObservableGauge("orderops.amazon.poll.lag", () => _snapshot.PollLag, "s", "How far each Amazon seller + marketplace's poll watermark is behind now.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.GaugeInterval, _time);
        do
        {
            try
            {
                _snapshot = await ReadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The gauges keep their last values; health reports the storage problem itself.
                LogReadFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var overview = _services.GetRequiredService<IOrderOverview>();
        var stuckAfter = _services.GetRequiredService<IOptionsMonitor<PipelineOptions>>().CurrentValue.StuckAfter;
        var counts = await overview.CountByStateAsync(stuckAfter.ToDictionary(s => s.Key, s => now - s.Value, StringComparer.Ordinal), cancellationToken);
        var orders = counts.Select(c => new Measurement<long>(c.Count, new("state", c.State), new("channel", c.Channel))).ToList();
        var stuck = counts.Select(c => new Measurement<long>(c.Stuck, new("state", c.State), new("channel", c.Channel))).ToList();

        var backlog = _services.GetRequiredService<IQueueBacklog>();
        var depth = new List<Measurement<long>>();
        var age = new List<Measurement<double>>();
        foreach (var queue in QueueHealthCheck.Queues)
        {
            var waiting = await backlog.GetBacklogAsync(queue, cancellationToken);
            depth.Add(new(waiting.Count, new KeyValuePair<string, object?>("queue", queue)));
            age.Add(new(waiting.OldestAge(now).TotalSeconds, new KeyValuePair<string, object?>("queue", queue)));
        }

        var open = await _services.GetRequiredService<ILifecycleExceptionStore>().ListAsync(openOnly: true, channel: null, limit: 1000, cancellationToken);
        var exceptions = open.GroupBy(e => (e.Kind, e.Channel)).Select(g => new Measurement<long>(g.LongCount(), new("kind", g.Key.Kind), new("channel", g.Key.Channel))).ToList();

        var publications = _services.GetRequiredService<IInventoryPublicationStore>();
        var pending = new List<Measurement<long>>();
        var parked = new List<Measurement<long>>();
        var lag = new List<Measurement<double>>();
        foreach (var channel in Channels.All)
        {
            var owed = await PushBacklog.ReadAsync(publications, channel, now, cancellationToken);
            var tag = new KeyValuePair<string, object?>("channel", channel);
            pending.Add(new(owed.Pending, tag));
            parked.Add(new(owed.Parked, tag));
            lag.Add(new(owed.OldestWait.TotalSeconds, tag));
        }

        var polls = (await _services.GetRequiredService<AmazonPollLag>().GetAsync(cancellationToken))
            .Where(p => p.Watermark is not null)
            .Select(p => new Measurement<double>((now - p.Watermark!.Value).TotalSeconds, new("seller", p.SellerId), new("marketplace", p.MarketplaceId)))
            .ToList();
        return new Snapshot(orders, stuck, depth, age, exceptions, pending, parked, lag, polls);
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The platform gauges could not be read; they keep their previous values.")]
    private partial void LogReadFailed(Exception exception);

    private sealed record Snapshot(
        IReadOnlyList<Measurement<long>> Orders,
        IReadOnlyList<Measurement<long>> Stuck,
        IReadOnlyList<Measurement<long>> QueueDepth,
        IReadOnlyList<Measurement<double>> QueueAge,
        IReadOnlyList<Measurement<long>> Exceptions,
        IReadOnlyList<Measurement<long>> PushesPending,
        IReadOnlyList<Measurement<long>> PushesParked,
        IReadOnlyList<Measurement<double>> PushLag,
        IReadOnlyList<Measurement<double>> PollLag)
    {
        public static readonly Snapshot Empty = new([], [], [], [], [], [], [], [], []);
    }
}
