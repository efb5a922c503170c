using System.ComponentModel.DataAnnotations;

namespace OrderOps.Core.Events;

/// <summary>How the dispatcher drains the outbox (<c>Events:Delivery</c>).</summary>
public sealed class EventDeliveryOptions
{
    /// <summary>Failed rounds (each already retried by the sink's resilience pipeline) before a delivery is parked.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Backoff after the first failed round; doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a taken subject is reserved for one dispatcher before another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Subjects taken per round and subscriber; they are delivered in parallel, each in its own order.</summary>
    [Range(1, 1000)]
    public int SubjectsPerRound { get; set; } = 32;

    [Range(1, 1000)]
    public int EventsPerSubject { get; set; } = 20;

    /// <summary>NCRONTAB schedule of the sweep that delivers retries and anything whose wake-up was lost (read by the timer trigger).</summary>
    public string SweepSchedule { get; set; } = "*/10 * * * * *";

    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    [Required]
    public string Source { get; set; } = "urn:orderops";

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Clamp(attempts - 1, 0, 30))));
}
