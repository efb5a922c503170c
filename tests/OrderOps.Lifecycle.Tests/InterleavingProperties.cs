using OrderOps.Testing.Storage;
using FsCheck.Xunit;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Random interleavings of channel, fulfillment, operator and timer events (with duplicates, restocks and a flaky
/// location) over three orders competing for stock at three locations. Whatever happens: reserved stock equals the
/// sum of the orders' open allocations, stock never goes negative, every pending timer is in the timer store, and no
/// order ends in a state without a way out (it is finished, waits on a location, or has an exception with options).
/// </summary>
public sealed class InterleavingProperties
{
    private const int Kinds = 15;

    [Property(MaxTest = 60, EndSize = 80)]
    public void Reserved_stock_always_equals_open_allocations_and_no_order_is_stuck(int[] script) =>
        RunAsync(script).GetAwaiter().GetResult();

    private static async Task RunAsync(int[] script)
    {
        await using var h = await LifecycleHarness.StartAsync(o =>
        {
            o.ReviewValueThreshold = 35m;
            o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(15), Policy = ExpiryPolicy.Retry, MaxAttempts = 1 };
            o.ShipBy = new() { Policy = ExpiryPolicy.Compensate };
            o.ShipByDefaults["shopify"] = TimeSpan.FromDays(2);
            o.ReviewHold = new() { After = TimeSpan.FromHours(12), Policy = ExpiryPolicy.Exception };
        });
        await h.SeedAsync("east", "A", 3);
        await h.SeedAsync("east", "B", 1);
        await h.SeedAsync("west", "B", 4);
        await h.SeedAsync("west", "C", 1);
        await h.SeedAsync("north", "A", 1);
        await h.SeedAsync("north", "C", 2);
        CanonicalOrder[] orders =
        [
            h.Order("p0", ("l1", "A", 2)),
            h.Order("p1", ("l1", "A", 1), ("l2", "B", 3)),
            h.Order("p2", ("l1", "B", 2), ("l2", "C", 2)),
        ];
        var placed = new HashSet<string>();
        LifecycleMessage? last = null;
        var step = 0;

        foreach (var value in script)
        {
            step++;
            var v = (int)((uint)value % (Kinds * 3));
            var order = orders[v / Kinds];
            var id = order.OrderId;
            var kind = v % Kinds;
            if (!placed.Contains(id) && kind != 13 && kind != 14)
            {
                await h.PlaceAsync(order);
                placed.Add(id);
                continue;
            }

            var state = placed.Contains(id) ? await h.StateAsync(id) : null;
            LifecycleMessage? message = null;
            switch (kind)
            {
                case 1 or 2 when state is not null:
                    var shipped = state.Shipments.SelectMany(s => s.Lines.Select(l => (s.LocationId, l.LineId, l.Quantity)))
                        .GroupBy(x => (x.LocationId, x.LineId)).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity));
                    var open = state.Allocation.Select(a => (a.LocationId, a.LineId, Left: a.Quantity - shipped.GetValueOrDefault((a.LocationId, a.LineId)))).Where(a => a.Left > 0).ToList();
                    if (open.Count > 0)
                    {
                        var location = open[0].LocationId;
                        var lines = open.Where(o => o.LocationId == location).Select(o => new FulfillmentShipmentLine(o.LineId, null, kind == 1 ? o.Left : 1)).Take(kind == 1 ? 10 : 1).ToList();
                        message = new LifecycleMessage { Type = LifecycleMessageTypes.Shipped, OrderId = id, Key = $"ship:{step}", Actor = "location:" + location, LocationId = location, Shipment = new($"s{step}", "UPS", $"T{step}", null, lines) };
                    }

                    break;
                case 3:
                    message = new LifecycleMessage { Type = LifecycleMessageTypes.Delivered, OrderId = id, Key = $"delivered:{step}", Actor = "location:east", LocationId = "east" };
                    break;
                case 4:
                    message = new LifecycleMessage { Type = LifecycleMessageTypes.Cancel, OrderId = id, Key = $"cancel:{step}", Actor = "operator:prop", Reason = "property" };
                    break;
                case 5:
                    var record = await h.RecordAsync(id);
                    if (record.Order.Cancellation is null)
                    {
                        var at = record.Order.UpdatedAt.AddMinutes(1);
                        await h.Orders.SaveAsync(record with { Order = record.Order with { UpdatedAt = at, Cancellation = new() { CancelledAt = at, Reason = "customer" } } }, record.ETag, [], default);
                    }

                    message = new LifecycleMessage { Type = LifecycleMessageTypes.ChannelUpdated, OrderId = id, Key = $"update:{step}", Actor = "channel:shopify" };
                    break;
                case 6 when state is not null && state.ReleasedLocations.Count > 0:
                    var acked = state.ReleasedLocations[step % state.ReleasedLocations.Count];
                    message = new LifecycleMessage { Type = LifecycleMessageTypes.FulfillmentAcknowledged, OrderId = id, Key = $"ack:{step}", Actor = "location:" + acked, LocationId = acked };
                    break;
                case 7:
                    h.Time.Advance(TimeSpan.FromMinutes(20));
                    await h.FireDueTimersAsync();
                    break;
                case 8:
                    h.Time.Advance(TimeSpan.FromDays(1));
                    await h.FireDueTimersAsync();
                    break;
                case 9 or 10 when state?.OpenExceptions.FirstOrDefault() is { } exception:
                    message = new LifecycleMessage
                    {
                        Type = LifecycleMessageTypes.Resolve, OrderId = id, Key = $"resolve:{step}", Actor = "operator:prop", ExceptionId = exception.ExceptionId,
                        Resolution = kind == 9 ? exception.Options[0] : exception.Options[^1], Reason = "property",
                    };
                    break;
                case 11:
                    message = new LifecycleMessage { Type = LifecycleMessageTypes.Returned, OrderId = id, Key = $"returned:{step}", Actor = "location:east", LocationId = "east" };
                    break;
                case 12 when last is not null:
                    message = last; // a duplicate delivery
                    break;
                case 13:
                    var level = (await h.Ledger.GetStockAsync())[step % 6];
                    await h.SeedAsync(level.LocationId, level.Sku, level.OnHand + 2);
                    break;
                case 14:
                    var flaky = h.Locations.ReleaseAnswer.GetValueOrDefault("west") == FulfillmentCallStatus.Accepted ? FulfillmentCallStatus.Unavailable : FulfillmentCallStatus.Accepted;
                    h.Locations.ReleaseAnswer["west"] = flaky;
                    h.Locations.CancelAnswer["west"] = flaky;
                    break;
            }

            if (message is not null)
            {
                try
                {
                    await h.SendAsync(message);
                }
                catch (LifecycleRequestException)
                {
                    // e.g. resolving an exception another step already closed: refused, nothing changes.
                }

                last = message;
            }
        }

        await AssertInvariantsAsync(h, placed);
    }

    private static async Task AssertInvariantsAsync(LifecycleHarness h, IEnumerable<string> placed)
    {
        var expected = new Dictionary<(string, string), int>();
        foreach (var id in placed)
        {
            var state = await h.StateAsync(id);
            foreach (var line in state.OpenAllocation())
            {
                expected[(line.LocationId, line.Sku)] = expected.GetValueOrDefault((line.LocationId, line.Sku)) + line.Quantity;
            }

            var stuck = !LifecycleStates.IsTerminal(state.State)
                && !state.OpenExceptions.Any(e => e.Options.Count > 0)
                && state.State is not (LifecycleStates.Released or LifecycleStates.PartiallyShipped or LifecycleStates.Shipped);
            Assert.False(stuck, $"{id} is {state.State} with no exception to resolve and nothing to wait for.");

            var stored = (await h.Timers.ListForOrderAsync(id, default)).Select(t => t.TimerId).ToHashSet();
            Assert.All(state.Timers, t => Assert.Contains(t.TimerId, stored));
            Assert.Equal(state.State, (await h.RecordAsync(id)).Status);
        }

        foreach (var level in await h.Ledger.GetStockAsync())
        {
            Assert.True(level.OnHand >= 0 && level.Reserved >= 0, $"{level.Sku}@{level.LocationId} went negative.");
            Assert.True(level.Reserved == expected.GetValueOrDefault((level.LocationId, level.Sku)),
                $"{level.Sku}@{level.LocationId}: reserved {level.Reserved}, open allocations {expected.GetValueOrDefault((level.LocationId, level.Sku))}.");
        }
    }
}
