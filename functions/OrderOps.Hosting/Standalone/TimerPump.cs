using System.Text.Json;
using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Fires a timer function on its six-field NCRONTAB schedule (UTC). Invocations of one timer run one after another,
/// so a slow run delays the next instead of overlapping it — as Azure Functions' singleton timer lock does.
/// </summary>
public sealed class TimerPump(FunctionInvoker invoker, OutputDispatcher outputs, IConfiguration configuration, TimeProvider time, ILogger<TimerPump> logger)
    : IStandaloneTriggerPump
{
    public bool CanPump(FunctionDefinition function) => function.Trigger is TimerTrigger;

    /// <summary>The schedule in force: the configured override when the trigger names a setting, else its default.</summary>
    public static CronExpression ResolveSchedule(TimerTrigger trigger, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var text = trigger.ScheduleSetting is { } setting && configuration[setting] is { Length: > 0 } configured ? configured : trigger.Schedule;
        try
        {
            return CronExpression.Parse(text, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException($"'{text}' is not a six-field NCRONTAB schedule (second minute hour day month day-of-week).", ex);
        }
    }

    public async Task RunAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = (TimerTrigger)function.Trigger;
        var schedule = ResolveSchedule(trigger, configuration);
        DateTimeOffset? last = null;
        if (trigger.RunOnStartup)
        {
            await FireAsync(function, schedule, time.GetUtcNow(), last, cancellationToken);
            last = time.GetUtcNow();
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var due = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (due is not { } next)
            {
                logger.LogWarning("Timer {Function} has no future occurrence; it stops.", function.Name);
                return;
            }

            try
            {
                await Task.Delay(next - now, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FireAsync(function, schedule, next, last, cancellationToken);
            last = next;
        }
    }

    private async Task FireAsync(FunctionDefinition function, CronExpression schedule, DateTimeOffset scheduled, DateTimeOffset? last, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var following = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? now;
        var info = new TimerInfo(new TimerSchedule(AdjustForDST: true), new TimerScheduleStatus(last ?? scheduled, following, now), IsPastDue: now - scheduled > TimeSpan.FromSeconds(1));
        var data = new Dictionary<string, JsonElement> { [function.Trigger.BindingName] = JsonSerializer.SerializeToElement(info) };
        var metadata = new Dictionary<string, JsonElement>
        {
            ["sys"] = JsonSerializer.SerializeToElement(new { MethodName = function.Name, UtcNow = now, RandGuid = Guid.NewGuid() }),
        };
        var outcome = await invoker.InvokeAsync(function, data, metadata, cancellationToken);
        if (outcome.Succeeded)
        {
            await outputs.DispatchAsync(function, outcome.Context, outcome.Result!, cancellationToken);
        }
    }
}
