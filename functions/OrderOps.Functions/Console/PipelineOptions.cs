using OrderOps.Core.Lifecycle;

namespace OrderOps.Functions.Console;

/// <summary>
/// When an order counts as stuck, per lifecycle state (<c>OrderOps:Pipeline:StuckAfter:{state}</c>, a TimeSpan): an
/// order unchanged for longer than its state's threshold is flagged. Terminal states have none.
/// </summary>
public sealed class PipelineOptions
{
    public const string Section = "OrderOps:Pipeline";

    public Dictionary<string, TimeSpan> StuckAfter { get; set; } = new(StringComparer.Ordinal)
    {
        // Validation and allocation run within seconds of the message; minutes mean a queue or a failing step.
        [LifecycleStates.Received] = TimeSpan.FromMinutes(15),
        [LifecycleStates.Validated] = TimeSpan.FromMinutes(15),
        // A person reviews held orders: a working day.
        [LifecycleStates.OnHold] = TimeSpan.FromHours(24),
        [LifecycleStates.Allocated] = TimeSpan.FromHours(4),
        // Locations ship within two days (the default ship-by timer).
        [LifecycleStates.Released] = TimeSpan.FromHours(48),
        [LifecycleStates.PartiallyShipped] = TimeSpan.FromDays(3),
        [LifecycleStates.Shipped] = TimeSpan.FromDays(14),
        [LifecycleStates.Delivered] = TimeSpan.FromDays(30),
    };
}
