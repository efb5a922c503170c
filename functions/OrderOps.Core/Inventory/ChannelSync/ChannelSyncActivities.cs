using Microsoft.Extensions.Logging;
using OrderOps.Core.Operations;
using OrderOps.Core.Ports;
using OrderOps.Core.Telemetry;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>
/// The side effects of <see cref="ChannelSyncOrchestration"/>: lease an account's due pushes and publish them, then
/// record the outcomes. Failures back off exponentially (or per the channel's Retry-After) and are parked after too many
/// attempts; parked pushes come due again later, still carrying the latest value, so the channel converges once it
/// recovers. Pacing is not here: the orchestration spaces the batches, being the account's only caller. Each call to
/// a channel is measured here, where it happens (<see cref="OrderOpsMetrics.PushDuration"/>, <see cref="OrderOpsMetrics.PushFailures"/>).
/// </summary>
public sealed partial class ChannelSyncActivities(
    ChannelAccounts accounts,
    IInventoryPublicationStore publications,
    InventoryOptions options,
    TimeProvider time,
    ILogger<ChannelSyncActivities> logger,
    ChannelActivityLog? activity = null,
    OrderOpsMetrics? metrics = null)
{
    private InventoryFanOutOptions FanOut => options.FanOut;

    /// <summary>
    /// Leases the channel's due pushes (a batch of the channel's burst when it is paced, else a dispatch batch) and
    /// publishes them, at most <c>MaxConcurrency</c> calls at a time. Never throws for a channel's failure: those are
    /// outcomes. A crash after the lease leaves the rows leased until <c>LeaseDuration</c> passes; then they are due again.
    /// </summary>
    public async Task<ChannelSyncRound> PushDueAsync(string channel, CancellationToken cancellationToken)
    {
        if (accounts.Find(channel) is not { } account)
        {
            LogRetired(channel);
            return new ChannelSyncRound { Retired = true };
        }

        TimeSpan? interval = account.PushesPerSecond is { } rate ? TimeSpan.FromSeconds(1 / rate) : null;
        var limit = interval is null ? FanOut.DispatchBatchSize : Math.Clamp(account.Options.Burst, 1, FanOut.DispatchBatchSize);
        var now = time.GetUtcNow();
        var due = await publications.TakeDueAsync(channel, now, FanOut.LeaseDuration, limit, cancellationToken);
        return new ChannelSyncRound
        {
            Completions = due.Count == 0 ? [] : await PublishAsync(account, due, cancellationToken),
            At = now,
            NextDueAt = due.Count == 0 ? await publications.NextDueAsync(channel, cancellationToken) : null,
            PushInterval = interval,
            IdleRecheck = FanOut.IdleRecheckInterval,
        };
    }

    /// <summary>
    /// Records what a batch achieved, and the account's latest success and failure in the <see cref="ChannelActivityLog"/>;
    /// returns how many outcomes it recorded.
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyList<PushCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        await publications.CompleteAsync(completions, cancellationToken);
        if (activity is not null && completions.Count > 0)
        {
            var channel = completions[0].Channel;
            var succeeded = completions.Where(c => c.Kind is PushCompletionKind.Published or PushCompletionKind.NotListed).MaxBy(c => c.At);
            var failed = completions.Where(c => c.Kind == PushCompletionKind.Failed).MaxBy(c => c.At);
            try
            {
                await activity.RecordAsync(
                    ChannelActivityLog.PushAccount(accounts.Find(channel)?.Publisher.Account ?? channel),
                    succeeded?.At,
                    failed is null ? null : new ChannelFailure(failed.At, $"{failed.Sku}: {failed.Error}", failed.RetryAt, failed.RetryAfterHonoured),
                    cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The outcomes are recorded; the Channels page's summary is not worth a retry of the activity.
                LogActivityNotRecorded(exception, channel);
            }
        }

        return completions.Count;
    }

    private async Task<PushCompletion[]> PublishAsync(ChannelAccount account, IReadOnlyList<PendingPush> pushes, CancellationToken cancellationToken)
    {
        var completions = new PushCompletion[pushes.Count];
        var consecutiveFailures = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pushes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, account.Options.MaxConcurrency), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var push = pushes[index];
                if (Volatile.Read(ref consecutiveFailures) >= Math.Max(2, account.Options.MaxConcurrency))
                {
                    // The channel is failing everything: don't spend its rate limit on calls that will fail too.
                    var now = time.GetUtcNow();
                    completions[index] = new PushCompletion(account.Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Deferred, now)
                    {
                        RetryAt = now + FanOut.BackoffAfter(Math.Max(1, push.Attempts)),
                        Error = "deferred: channel failing",
                    };
                    return;
                }

                completions[index] = await PushAsync(account, push, token);
                if (completions[index].Kind == PushCompletionKind.Failed)
                {
                    Interlocked.Increment(ref consecutiveFailures);
                }
                else
                {
                    Volatile.Write(ref consecutiveFailures, 0);
                }
            });
        return completions;
    }

    private async Task<PushCompletion> PushAsync(ChannelAccount account, PendingPush push, CancellationToken cancellationToken)
    {
        if (push.PublishedQuantity == push.Quantity)
        {
            // The value went back to what the channel already shows before we got to it: nothing to say.
            return new PushCompletion(account.Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Published, time.GetUtcNow());
        }

        PublishResult result;
        var started = time.GetTimestamp();
        try
        {
            result = await account.Publisher.PublishAsync(push.Sku, push.Quantity, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            // A publisher should report failures, not throw them; a bug in one must still not lose the push.
            result = new PublishResult(PublishStatus.Transient, $"{exception.GetType().Name}: {exception.Message}");
        }

        var at = time.GetUtcNow();
        metrics?.Pushed(account.Channel, account.Publisher.Account, Outcome(result.Status), time.GetElapsedTime(started), failed: result.Status is PublishStatus.Transient or PublishStatus.Permanent);
        switch (result.Status)
        {
            case PublishStatus.Published:
                return new PushCompletion(account.Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Published, at);
            case PublishStatus.NotListed:
                return new PushCompletion(account.Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.NotListed, at);
            default:
                var attempts = push.Attempts + 1;
                var park = result.Status == PublishStatus.Permanent || attempts >= FanOut.AttemptsBeforeParking;
                var delay = park ? FanOut.ParkedRetryInterval : FanOut.BackoffAfter(attempts);
                var honoured = result.RetryAfter is { } retryAfter && retryAfter > delay;
                if (honoured)
                {
                    delay = result.RetryAfter!.Value;
                }

                if (park)
                {
                    LogParked(account.Channel, push.Sku, attempts, result.Error);
                }

                return new PushCompletion(account.Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Failed, at)
                {
                    RetryAt = at + delay,
                    Park = park,
                    Error = result.Error ?? result.Status.ToString(),
                    RetryAfterHonoured = honoured,
                };
        }
    }

    private static string Outcome(PublishStatus status) => status switch
    {
        PublishStatus.Published => "published",
        PublishStatus.NotListed => "not_listed",
        PublishStatus.Permanent => "permanent",
        _ => "transient",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked {Channel} push of {Sku} after {Attempts} attempts: {Error}")]
    private partial void LogParked(string channel, string sku, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the last push outcome of channel {Channel} for the Channels page.")]
    private partial void LogActivityNotRecorded(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel} has no enabled publisher any more: its sync orchestration ends.")]
    private partial void LogRetired(string channel);
}
