namespace OrderOps.Core.Ports;

/// <summary>
/// Durable due timers (embedded: a SQLite table; Azure: Table storage). The lifecycle schedules them; the SweepTimers
/// function turns due ones into lifecycle messages. The order's process state is the truth about which timers are
/// pending: a timer that fires after its order stopped waiting for it is ignored, so the store may lag behind.
/// </summary>
public interface ITimerStore
{
    /// <summary>Creates or replaces the timer with this id (idempotent).</summary>
    Task ScheduleAsync(DueTimer timer, CancellationToken cancellationToken);

    /// <summary>Removes the timer; removing a missing one is fine.</summary>
    Task CancelAsync(string timerId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> timers due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DueTimer>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueTimer>> ListForOrderAsync(string orderId, CancellationToken cancellationToken);
}

/// <param name="TimerId">Deterministic: <c>{orderId}|{kind}|{generation}</c>, so rescheduling is idempotent.</param>
public sealed record DueTimer(string TimerId, string OrderId, string Kind, DateTimeOffset DueAt);
