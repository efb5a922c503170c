using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Events;

/// <summary>
/// Drains the event outbox into the subscribers. Queue-triggered (<c>outbound-events</c>, enqueued by the commits that
/// wrote events) for low lag; timer-triggered (<c>Events:Delivery:SweepSchedule</c>) for retries whose backoff ended and
/// for any commit whose wake-up was lost. Drains that overlap in one process fold into one (see
/// <see cref="EventDispatcher.DrainAsync"/>), so a burst of wake-ups costs a few drains.
/// </summary>
public sealed partial class DispatchOutboundEventsFunction(EventDispatcher dispatcher, ILogger<DispatchOutboundEventsFunction> logger)
{
    /// <summary>How long one invocation keeps delivering before it returns (what is left waits for the next wake-up or sweep).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Function("DispatchOutboundEvents")]
    public async Task RunAsync([QueueTrigger(QueueNames.OutboundEvents, Connection = Connections.Storage)] string message, CancellationToken cancellationToken)
    {
        var delivered = await dispatcher.DrainAsync(Budget, cancellationToken);
        LogDrained(delivered);
    }

    [Function("SweepOutboundEvents")]
    public async Task SweepAsync([TimerTrigger("%Events:Delivery:SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var delivered = await dispatcher.DrainAsync(Budget, cancellationToken);
        LogDrained(delivered);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered {Delivered} outbound events.")]
    private partial void LogDrained(int delivered);
}
