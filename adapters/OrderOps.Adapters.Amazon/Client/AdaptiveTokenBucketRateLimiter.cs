using System.Threading.RateLimiting;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// A token bucket with Amazon's semantics: <c>Burst</c> tokens at most, refilled continuously at
/// <c>RequestsPerSecond</c> (0.0167/s is one token every ~60 s). Callers wait, in arrival order, for a token rather
/// than being rejected, because a poll that waits a minute is fine and a poll that fails is not.
/// </summary>
/// <remarks>
/// Written against <see cref="RateLimiter"/> instead of using <see cref="TokenBucketRateLimiter"/> because the
/// latter cannot change its rate after construction (Amazon tells us the rate in <c>x-amzn-RateLimit-Limit</c>)
/// and replenishes from the wall clock, which a test <see cref="TimeProvider"/> cannot drive.
/// </remarks>
public sealed class AdaptiveTokenBucketRateLimiter : RateLimiter
{
    private static readonly RateLimitLease Acquired = new Lease(true, null);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _queue = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private readonly int _burst;
    private double _tokensPerSecond;
    private double _tokens;
    private long _lastRefill;
    private long _successfulLeases;
    private long _failedLeases;
    private int _queued;
    private bool _disposed;

    public AdaptiveTokenBucketRateLimiter(double tokensPerSecond, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _tokensPerSecond = tokensPerSecond;
        _burst = burst;
        _tokens = burst;
        _timeProvider = timeProvider;
        _lastRefill = timeProvider.GetTimestamp();
    }

    /// <summary>The refill rate in force (the configured one until Amazon announces another).</summary>
    public double TokensPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _tokensPerSecond;
            }
        }
    }

    public int Burst => _burst;

    public override TimeSpan? IdleDuration => null;

    /// <summary>Applies the rate Amazon reported; tokens already in the bucket are kept.</summary>
    public void UpdateRate(double tokensPerSecond)
    {
        if (!(tokensPerSecond > 0) || double.IsInfinity(tokensPerSecond))
        {
            return;
        }

        lock (_lock)
        {
            Refill();
            _tokensPerSecond = tokensPerSecond;
        }
    }

    /// <summary>Empties the bucket: Amazon throttled us, so its bucket is empty whatever ours believed.</summary>
    public void Drain()
    {
        lock (_lock)
        {
            Refill();
            _tokens = Math.Min(_tokens, 0);
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_lock)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Floor(_tokens),
                CurrentQueuedCount = Volatile.Read(ref _queued),
                TotalSuccessfulLeases = Interlocked.Read(ref _successfulLeases),
                TotalFailedLeases = Interlocked.Read(ref _failedLeases),
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TryTake(permitCount, out var wait))
            {
                Interlocked.Increment(ref _successfulLeases);
                return Acquired;
            }

            Interlocked.Increment(ref _failedLeases);
            return new Lease(false, wait);
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        Interlocked.Increment(ref _queued);
        try
        {
            // One waiter at a time takes tokens, so waiters are served roughly in arrival order.
            await _queue.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    TimeSpan wait;
                    lock (_lock)
                    {
                        ObjectDisposedException.ThrowIf(_disposed, this);
                        if (TryTake(permitCount, out wait))
                        {
                            Interlocked.Increment(ref _successfulLeases);
                            return Acquired;
                        }
                    }

                    await Task.Delay(wait, _timeProvider, cancellationToken);
                }
            }
            finally
            {
                _queue.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                _disposed = true;
            }
        }

        base.Dispose(disposing);
    }

    private bool TryTake(int permitCount, out TimeSpan wait)
    {
        Refill();
        if (_tokens >= permitCount)
        {
            _tokens -= permitCount;
            wait = TimeSpan.Zero;
            return true;
        }

        // Round up to a whole millisecond so a waiter never wakes just short of its token and spins.
        var seconds = (permitCount - _tokens) / _tokensPerSecond;
        wait = TimeSpan.FromMilliseconds(Math.Ceiling(seconds * 1000) + 1);
        return false;
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_lastRefill, now);
        _lastRefill = now;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsed.TotalSeconds * _tokensPerSecond));
        }
    }

    private void CheckPermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"Must be between 0 and the burst size {_burst}.");
        }
    }

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
