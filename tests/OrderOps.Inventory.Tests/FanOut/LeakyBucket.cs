namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>The channel's side of a rate limit: replays call times through a leaky bucket.</summary>
public static class LeakyBucket
{
    /// <summary>Calls that a leaky bucket of <paramref name="capacity"/> draining <paramref name="perSecond"/> would refuse.</summary>
    public static int Overflows(IEnumerable<DateTimeOffset> calls, double perSecond, double capacity)
    {
        var level = 0.0;
        DateTimeOffset? last = null;
        var overflows = 0;
        foreach (var at in calls.Order())
        {
            level = last is { } previous ? Math.Max(0, level - ((at - previous).TotalSeconds * perSecond)) : 0;
            last = at;
            if (++level > capacity)
            {
                overflows++;
            }
        }

        return overflows;
    }
}
