using Cronos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Fires a timer function on its six-field NCRONTAB schedule (UTC), <c>%Setting%</c> resolved from configuration.
/// Invocations of one timer run one after another, so a slow run delays the next instead of overlapping it, as the
/// Functions host's singleton timer lock does. Each occurrence is computed from the previous due time, never from
/// "now": <c>Task.Delay</c> can wake a little early, and computing from "now" would fire one occurrence many times.
/// One process only: replicas of a standalone app would each fire (the Functions host takes a blob lease instead).
/// </summary>
public sealed partial class TimerPump(FunctionInvoker invoker, IConfiguration configuration, TimeProvider time, ILogger<TimerPump> logger)
    : IStandaloneTriggerPump
{
    public TriggerKind Kind => TriggerKind.Timer;

    /// <summary>The schedule in force for a timer attribute, with <c>%Setting%</c> resolved.</summary>
    public static CronExpression ResolveSchedule(TimerTriggerAttribute trigger, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var text = SettingExpressions.Resolve(trigger.Schedule, configuration);
        try
        {
            return CronExpression.Parse(text, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException($"'{text}' (from '{trigger.Schedule}') is not a six-field NCRONTAB schedule (second minute hour day month day-of-week).", ex);
        }
    }

    public async Task RunAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = (TimerTriggerAttribute)function.Trigger;
        var schedule = ResolveSchedule(trigger, configuration);
        DateTime? last = null;
        if (trigger.RunOnStartup)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await FireAsync(function, schedule, now, last, cancellationToken);
            last = now;
        }

        var due = schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime);
        while (due is { } next && !cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            while ((wait = next - time.GetUtcNow().UtcDateTime) > TimeSpan.Zero)
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(1), time, cancellationToken);
            }

            await FireAsync(function, schedule, next, last, cancellationToken);
            last = next;
            var now = time.GetUtcNow().UtcDateTime;
            due = schedule.GetNextOccurrence(now > next ? now : next);
        }
    }

    private async Task FireAsync(FunctionDescriptor function, CronExpression schedule, DateTime scheduled, DateTime? last, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var info = new TimerInfo
        {
            IsPastDue = now - scheduled > TimeSpan.FromSeconds(1),
            ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = schedule.GetNextOccurrence(now) ?? default, LastUpdated = now },
        };
        try
        {
            await invoker.InvokeAsync(function, info, new Dictionary<string, string?>(), services: null, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The invoker logged it; a failed run waits for the next occurrence, as on Azure.
            LogRunFailed(function.Name, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {Function} failed ({Error}); it runs again at its next occurrence.")]
    private partial void LogRunFailed(string function, string error);
}
