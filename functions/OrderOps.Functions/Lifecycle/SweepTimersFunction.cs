using OrderOps.Core.Lifecycle;

namespace OrderOps.Functions.Lifecycle;

/// <summary>Timer-triggered (<c>OrderOps:Lifecycle:SweepSchedule</c>, every 15 s): sends a lifecycle message for every due timer.</summary>
public sealed partial class SweepTimersFunction(TimerSweeper sweeper, ILogger<SweepTimersFunction> logger)
{
    [Function("SweepTimers")]
    public async Task RunAsync([TimerTrigger("%OrderOps:Lifecycle:SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var swept = await sweeper.SweepAsync(cancellationToken);
        if (swept > 0)
        {
            LogSwept(swept);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} due lifecycle timers sent to the lifecycle queue.")]
    private partial void LogSwept(int count);
}
