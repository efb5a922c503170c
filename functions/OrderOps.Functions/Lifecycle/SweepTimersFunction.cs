using OrderOps.Core.Lifecycle;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Lifecycle;

/// <summary>Timer-triggered: sends a lifecycle message for every due timer.</summary>
public sealed class SweepTimersFunction(TimerSweeper sweeper) : IFunctionHandler
{
    public const string DefaultSchedule = "*/15 * * * * *";
    public const string ScheduleSetting = "OrderOps:Lifecycle:SweepSchedule";

    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var swept = await sweeper.SweepAsync(cancellationToken);
        if (swept > 0)
        {
            context.Log($"{swept} due timers sent to the lifecycle.");
        }

        return new FunctionResult { ReturnValue = swept };
    }
}
