using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations;

/// <summary>Timer-triggered, daily: forgets delivery ids past their retention so the key store does not grow forever.</summary>
public sealed partial class PurgeIdempotencyKeysFunction(IIdempotencyStore keys, TimeProvider time, ILogger<PurgeIdempotencyKeysFunction> logger)
{
    [Function("PurgeIdempotencyKeys")]
    public async Task RunAsync([TimerTrigger("0 17 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var purged = await keys.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
        LogPurged(purged);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys.")]
    private partial void LogPurged(int count);
}
