using System.Collections.Concurrent;

namespace OrderOps.Adapters.Amazon.Tests.Doubles;

/// <summary>
/// The real clock, except that delays and timers run <see cref="Factor"/> times faster. It records every delay asked
/// for, so a test can check that a Retry-After of 30 s was honoured without waiting 30 s.
/// </summary>
public sealed class CompressedTimeProvider(double factor = 1000) : TimeProvider
{
    public double Factor { get; } = factor;

    public ConcurrentQueue<TimeSpan> RequestedDelays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
        {
            RequestedDelays.Enqueue(dueTime);
        }

        return System.CreateTimer(callback, state, Compress(dueTime), Compress(period));
    }

    private TimeSpan Compress(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan || value <= TimeSpan.Zero ? value : TimeSpan.FromTicks(Math.Max(1, (long)(value.Ticks / Factor)));
}
