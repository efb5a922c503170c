using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// Turns due timers into lifecycle messages. The message id and key derive from the timer id, so a sweep that
/// crashes after sending and before removing the timer sends a duplicate the queue and the engine both ignore.
/// </summary>
public sealed class TimerSweeper(ITimerStore timers, IMessageQueue queue, TimeProvider time)
{
    public const int BatchSize = 500;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = 0;
        while (true)
        {
            var due = await timers.GetDueAsync(time.GetUtcNow(), BatchSize, cancellationToken);
            foreach (var timer in due)
            {
                var message = new LifecycleMessage
                {
                    Type = LifecycleMessageTypes.TimerDue,
                    OrderId = timer.OrderId,
                    Key = "timer:" + timer.TimerId,
                    Actor = "timer:" + timer.Kind,
                    Cause = $"timer {timer.TimerId} due {timer.DueAt:O}",
                    TimerId = timer.TimerId,
                    TimerKind = timer.Kind,
                };
                await queue.SendAsync(QueueNames.Lifecycle, new QueueMessage { MessageId = message.Key, Body = OrderOpsJson.Serialize(message) }, cancellationToken);
                await timers.CancelAsync(timer.TimerId, cancellationToken);
            }

            swept += due.Count;
            if (due.Count < BatchSize)
            {
                return swept;
            }
        }
    }
}
