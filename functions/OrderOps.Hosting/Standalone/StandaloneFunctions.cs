using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// The functions standalone mode runs: every <c>[Function]</c> of the app's assembly, checked when the app starts
/// (parameters it can supply, <c>%settings%</c> that resolve, schedules that parse).
/// </summary>
public sealed class StandaloneFunctions
{
    public StandaloneFunctions(Assembly assembly, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        All = FunctionDiscovery.Discover(assembly);
        foreach (var function in All)
        {
            switch (function.Trigger)
            {
                case TimerTriggerAttribute timer:
                    _ = TimerPump.ResolveSchedule(timer, configuration);
                    break;
                case QueueTriggerAttribute queue:
                    _ = SettingExpressions.Resolve(queue.QueueName, configuration);
                    break;
            }
        }
    }

    public IReadOnlyList<FunctionDescriptor> All { get; }
}
