using System.Text.Json.Nodes;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Telemetry;
using OrderOps.Functions.Telemetry;
using OrderOps.Testing.Telemetry;

namespace OrderOps.Functions.Tests.Telemetry;

/// <summary>
/// The charts' hourly totals: increments land in their UTC hour, percentiles are read from the histogram buckets,
/// the totals survive a restart, and what a saved lifecycle step did becomes the measurements the charts total.
/// </summary>
public sealed class ChartHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 11, 30, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("orderops-charts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Increments_land_in_their_hour_and_survive_a_restart()
    {
        var path = Path.Combine(_directory, "charts.json");
        var history = new ChartHistory(path);
        history.Add(Now.AddMinutes(-31), Received(("shopify", 2), ("amazon", 1))); // 10:59
        history.Add(Now.AddMinutes(-29), Received(("shopify", 3)));                // 11:01
        history.Add(Now, new ChartHistory.Increments { Opened = 2, Resolved = 1 });

        var restarted = new ChartHistory(path).Read(Now);

        Assert.Equal(24, restarted.Hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.Zero), restarted.Hours[^1]);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero), restarted.Hours[0]);
        Assert.Equal(["amazon", "shopify"], restarted.Received.Select(s => s.Channel));
        var shopify = restarted.Received.Single(s => s.Channel == "shopify").Values;
        Assert.Equal((2L, 3L), (shopify[^2], shopify[^1]));
        Assert.Equal(5, shopify.Sum());
        Assert.Equal((2L, 1L), (restarted.ExceptionsOpened[^1], restarted.ExceptionsResolved[^1]));
        Assert.Equal(0, restarted.ExceptionsOpened.Take(23).Sum());
    }

    [Fact]
    public void Hours_older_than_the_retention_are_dropped()
    {
        var history = new ChartHistory(path: null);
        history.Add(Now - ChartHistory.Retention - TimeSpan.FromHours(2), Received(("shopify", 7)));
        Assert.Equal(7, history.Read(Now - ChartHistory.Retention - TimeSpan.FromHours(2)).Received.Single().Values.Sum());

        history.Add(Now, Received(("shopify", 1)));

        Assert.Equal(0, history.Read(Now - ChartHistory.Retention - TimeSpan.FromHours(2)).Received.Sum(s => s.Values.Sum()));
    }

    [Fact]
    public void Percentiles_are_read_from_the_buckets_linearly_and_an_open_last_bucket_reads_as_at_least_its_bound()
    {
        var bounds = OrderOpsMetrics.OrderDurationBounds;
        var history = new ChartHistory(path: null);
        var ten = new ChartHistory.Increments();
        var inFifthToTenth = bounds.ToList().IndexOf(10); // the bucket (5 s, 10 s]
        ten.ToRelease.AddRange(Enumerable.Range(0, bounds.Count + 1).Select(i => i == inFifthToTenth ? 10L : 0L));
        ten.ToShip.AddRange(Enumerable.Range(0, bounds.Count + 1).Select(i => i == bounds.Count ? 1L : 0L)); // over a week
        history.Add(Now, ten);

        var view = history.Read(Now);

        Assert.Equal(new Durations(10, 7.5, 9.75, false), view.TimeToRelease);
        Assert.Equal(new Durations(1, bounds[^1], bounds[^1], true), view.TimeToShip);
        Assert.Equal(new Durations(0, null, null, false), new ChartHistory(path: null).Read(Now).TimeToRelease);
    }

    [Fact]
    public void A_saved_step_is_measured_from_its_events_the_first_shipment_only()
    {
        using var recorded = new RecordedMeasurements();
        var metrics = new OrderOpsMetrics(recorded);
        var received = Now.AddHours(-1);
        var order = new OrderRecord { Order = Order("amazon"), Status = "received", CreatedAt = received };

        metrics.RecordSaved(order,
        [
            Transition("received", "validated", received.AddSeconds(1)),
            Transition("allocated", "released", received.AddSeconds(90)),
            Transition("released", "partially_shipped", received.AddSeconds(200)),
            Transition("partially_shipped", "shipped", received.AddSeconds(300)),
            Event(LifecycleEventTypes.ExceptionRaised, received, new JsonObject { ["kind"] = "stock-short" }),
            Event(LifecycleEventTypes.ExceptionResolved, received, new JsonObject { ["kind"] = "stock-short" }),
        ]);

        Assert.Equal(90, Assert.Single(recorded.Of(OrderOpsMetrics.TimeToRelease)).Value);
        var shipped = Assert.Single(recorded.Of(OrderOpsMetrics.TimeToShip));
        Assert.Equal((200d, "amazon"), (shipped.Value, shipped.Tags["channel"]));
        Assert.Equal("stock-short", Assert.Single(recorded.Of(OrderOpsMetrics.ExceptionsOpened)).Tags["kind"]);
        Assert.Single(recorded.Of(OrderOpsMetrics.ExceptionsResolved));
    }

    private static ChartHistory.Increments Received(params (string Channel, long Count)[] counts)
    {
        var increments = new ChartHistory.Increments();
        foreach (var (channel, count) in counts)
        {
            increments.Received[channel] = count;
        }

        return increments;
    }

    private static OrderEvent Transition(string from, string to, DateTimeOffset at) =>
        Event(LifecycleEventTypes.Transition, at, new JsonObject { ["from"] = from, ["to"] = to, ["trigger"] = "t" });

    private static OrderEvent Event(string type, DateTimeOffset at, JsonObject data) =>
        new() { Type = type, At = at, Actor = "test", Data = data.ToJsonString() };

    private static CanonicalOrder Order(string channel) => new()
    {
        OrderId = channel + ":A1:111-0000000-0000000",
        Channel = channel,
        ChannelAccount = "A1",
        ChannelOrderId = "111-0000000-0000000",
        PlacedAt = Now.AddHours(-2),
        UpdatedAt = Now.AddHours(-2),
        Currency = "USD",
    };
}
