using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Events;

/// <summary>
/// Drains the event outbox into the sinks: every subscriber independently (a slow or failing one holds up nobody else),
/// the subjects of one subscriber in parallel, the events of one subject strictly in order: a failure stops that
/// subject for that subscriber until the retry, so nothing overtakes it. At least once: a crash after a sink took an
/// event and before the completion is stored sends it again (same id). A sink answering Gone disables its subscriber.
/// </summary>
public sealed partial class EventDispatcher(
    IEventOutbox outbox, IEnumerable<IEventSink> sinks, EventDeliveryOptions options, TimeProvider time, ILogger<EventDispatcher> logger) : IDisposable
{
    private readonly IReadOnlyList<IEventSink> _sinks = sinks.ToList();
    private readonly SemaphoreSlim _draining = new(1, 1);
    private int _requested;

    public IReadOnlyList<IEventSink> Sinks => _sinks;

    public void Dispose() => _draining.Dispose();

    /// <summary>
    /// Drains until nothing is due or <paramref name="budget"/> is spent. Calls that arrive while a drain runs are folded
    /// into one more drain after it, so a burst of commits costs a few drains, and no commit is missed by a drain that had
    /// already passed it. Returns the events delivered by the drains this call waited for.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _requested, 1);
        await _draining.WaitAsync(cancellationToken);
        try
        {
            var delivered = 0;
            // Another caller's drain may have consumed this request while we waited: then there is nothing to redo.
            while (Interlocked.Exchange(ref _requested, 0) == 1)
            {
                delivered += await DrainOnceAsync(budget, cancellationToken);
            }

            return delivered;
        }
        finally
        {
            _draining.Release();
        }
    }

    private async Task<int> DrainOnceAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var results = await Task.WhenAll(_sinks.Select(async sink =>
        {
            var delivered = 0;
            while (time.GetElapsedTime(started) < budget)
            {
                var round = await RunRoundAsync(sink, cancellationToken);
                delivered += round.Delivered;
                if (round.Taken == 0 || round.Stopped)
                {
                    break;
                }
            }

            return delivered;
        }));
        return results.Sum();
    }

    /// <summary>One round for one subscriber: take due subjects, deliver each subject's events in order, store the outcomes.</summary>
    public async Task<(int Taken, int Delivered, bool Stopped)> RunRoundAsync(IEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (await outbox.GetSubscriberAsync(sink.Name, cancellationToken) is { Disabled: true })
        {
            return (0, 0, true);
        }

        var taken = await outbox.TakeDueAsync(sink.Name, time.GetUtcNow(), options.Lease, options.SubjectsPerRound, options.EventsPerSubject, cancellationToken);
        if (taken.Count == 0)
        {
            return (0, 0, false);
        }

        var gone = 0;
        var perSubject = await Task.WhenAll(taken.GroupBy(d => d.Event.Subject, StringComparer.Ordinal).Select(async subject =>
        {
            var completions = new List<DeliveryCompletion>();
            foreach (var delivery in subject)
            {
                if (Volatile.Read(ref gone) == 1)
                {
                    break;
                }

                var result = await DeliverOneAsync(sink, delivery, cancellationToken);
                if (result.Outcome == SinkOutcome.Delivered)
                {
                    completions.Add(new DeliveryCompletion(delivery, DeliveryCompletionKind.Delivered));
                    continue;
                }

                if (result.Outcome == SinkOutcome.Gone)
                {
                    Volatile.Write(ref gone, 1);
                }

                // Later events of this subject wait behind this one: their order is what the subscriber relies on.
                completions.Add(Failure(delivery, result));
                break;
            }

            return completions;
        }));

        var all = perSubject.SelectMany(c => c).ToList();
        await outbox.CompleteAsync(all, CancellationToken.None);
        var delivered = all.Count(c => c.Kind == DeliveryCompletionKind.Delivered);
        if (gone == 1)
        {
            await DisableAsync(sink.Name, all.First(c => c.Kind == DeliveryCompletionKind.Failed).Error, cancellationToken);
            return (taken.Count, delivered, true);
        }

        return (taken.Count, delivered, false);
    }

    private async Task<SinkResult> DeliverOneAsync(IEventSink sink, EventDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            return await sink.DeliverAsync(delivery, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new SinkResult(SinkOutcome.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private DeliveryCompletion Failure(EventDelivery delivery, SinkResult result)
    {
        var attempts = delivery.Attempts + 1;
        var park = result.Outcome == SinkOutcome.Failed && attempts >= options.MaxAttempts;
        var wait = result.RetryAfter is { } after && after > options.BackoffAfter(attempts) ? after : options.BackoffAfter(attempts);
        if (park)
        {
            LogParked(delivery.Subscriber, delivery.Event.Id, delivery.Event.Type, attempts, result.Error);
        }

        return new DeliveryCompletion(delivery, DeliveryCompletionKind.Failed)
        {
            RetryAt = time.GetUtcNow() + wait,
            Park = park,
            Error = result.Error,
        };
    }

    private async Task DisableAsync(string subscriber, string? reason, CancellationToken cancellationToken)
    {
        await outbox.SetSubscriberAsync(new SubscriberStatus(subscriber, true, reason, time.GetUtcNow()), cancellationToken);
        LogSubscriberGone(subscriber, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) for subscriber {Subscriber} parked after {Attempts} failed attempts: {Error}")]
    private partial void LogParked(string subscriber, string eventId, string type, int attempts, string? error);

    /// <summary>The operator's signal: a subscriber said it is gone; it stays disabled until replayed.</summary>
    [LoggerMessage(Level = LogLevel.Critical, Message = "Event subscriber {Subscriber} answered Gone and is disabled; its events are kept. Replay its parked events to re-enable it. {Reason}")]
    private partial void LogSubscriberGone(string subscriber, string? reason);
}
