using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;
using Polly;
using Polly.RateLimiting;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// Drains one channel's pending pushes: leases the due ones, publishes them (within the channel's rate limit and
/// concurrency), and records each outcome. Failures back off exponentially (or per the channel's Retry-After)
/// and are parked after too many attempts; parked pushes come due again later, still carrying the latest value,
/// so the channel converges once it recovers.
/// </summary>
public sealed class ChannelPushDispatcher : IAsyncDisposable
{
    private readonly IChannelInventoryPublisher _publisher;
    private readonly IInventoryPublicationStore _publications;
    private readonly InventoryFanOutOptions _fanOut;
    private readonly ChannelInventoryOptions _channelOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _rateLimit;
    private readonly RateLimiter? _limiter;

    public ChannelPushDispatcher(
        IChannelInventoryPublisher publisher,
        IInventoryPublicationStore publications,
        InventoryOptions options,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(options);
        _publisher = publisher;
        _publications = publications;
        _fanOut = options.FanOut;
        _channelOptions = options.Channels.TryGetValue(publisher.Channel, out var channelOptions)
            ? channelOptions
            : throw new InvalidOperationException($"Inventory:Channels has no entry for publisher channel '{publisher.Channel}'.");
        _time = time;
        _logger = logger;
        if (_channelOptions.MaxPushesPerSecond is { } rate)
        {
            // One token per 1/rate seconds, bucket of Burst: never more than rate/s sustained. Waiters queue rather than fail.
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, _channelOptions.Burst),
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1 / rate),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
            _rateLimit = new ResiliencePipelineBuilder().AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => _limiter.AcquireAsync(1, args.Context.CancellationToken),
            }).Build();
        }
        else
        {
            _rateLimit = ResiliencePipeline.Empty;
        }
    }

    public string Channel => _publisher.Channel;

    /// <summary>Publishes one round of due pushes; returns how many it handled (0 when none were due).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var limit = _channelOptions.MaxPushesPerSecond is { } rate
            ? Math.Clamp((int)Math.Ceiling(rate * 2), 1, _fanOut.DispatchBatchSize)
            : _fanOut.DispatchBatchSize;
        var due = await _publications.TakeDueAsync(Channel, _time.GetUtcNow(), _fanOut.LeaseDuration, limit, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var completions = new PushCompletion[due.Count];
        var consecutiveTransient = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, due.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _channelOptions.MaxConcurrency), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var push = due[index];
                if (Volatile.Read(ref consecutiveTransient) >= Math.Max(2, _channelOptions.MaxConcurrency))
                {
                    // The channel is failing everything: don't spend the rate limit on calls that will fail too.
                    completions[index] = new PushCompletion(Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Deferred, _time.GetUtcNow())
                    {
                        RetryAt = _time.GetUtcNow() + _fanOut.BackoffAfter(Math.Max(1, push.Attempts)),
                        Error = "deferred: channel failing",
                    };
                    return;
                }

                completions[index] = await PushAsync(push, token);
                if (completions[index].Kind == PushCompletionKind.Failed)
                {
                    Interlocked.Increment(ref consecutiveTransient);
                }
                else
                {
                    Volatile.Write(ref consecutiveTransient, 0);
                }
            });

        await _publications.CompleteAsync(completions, CancellationToken.None);
        return due.Count;
    }

    public async ValueTask DisposeAsync()
    {
        if (_limiter is not null)
        {
            await _limiter.DisposeAsync();
        }
    }

    private async Task<PushCompletion> PushAsync(PendingPush push, CancellationToken cancellationToken)
    {
        if (push.PublishedQuantity == push.Quantity)
        {
            // The value went back to what the channel already shows before we got to it: nothing to say.
            return new PushCompletion(Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Published, _time.GetUtcNow());
        }

        PublishResult result;
        try
        {
            result = await _rateLimit.ExecuteAsync(
                static async (state, token) => await state.Publisher.PublishAsync(state.Sku, state.Quantity, token),
                (Publisher: _publisher, push.Sku, push.Quantity),
                cancellationToken);
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

        var now = _time.GetUtcNow();
        switch (result.Status)
        {
            case PublishStatus.Published:
                return new PushCompletion(Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Published, now);
            case PublishStatus.NotListed:
                return new PushCompletion(Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.NotListed, now);
            default:
                var attempts = push.Attempts + 1;
                var park = result.Status == PublishStatus.Permanent || attempts >= _fanOut.AttemptsBeforeParking;
                var delay = park ? _fanOut.ParkedRetryInterval : _fanOut.BackoffAfter(attempts);
                if (result.RetryAfter is { } retryAfter && retryAfter > delay)
                {
                    delay = retryAfter;
                }

                if (park)
                {
                    _logger.LogWarning("Parked {Channel} push of {Sku} after {Attempts} attempts: {Error}", Channel, push.Sku, attempts, result.Error);
                }

                return new PushCompletion(Channel, push.Sku, push.Version, push.Quantity, PushCompletionKind.Failed, now)
                {
                    RetryAt = now + delay,
                    Park = park,
                    Error = result.Error ?? result.Status.ToString(),
                };
        }
    }
}
