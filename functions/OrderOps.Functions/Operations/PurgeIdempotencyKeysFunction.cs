using OrderOps.Core.Ports;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Operations;

/// <summary>Timer-triggered, daily: forgets delivery ids past their retention so the key store does not grow forever.</summary>
public sealed class PurgeIdempotencyKeysFunction(IIdempotencyStore keys, TimeProvider time) : IFunctionHandler
{
    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var purged = await keys.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
        context.Log($"Purged {purged} expired idempotency keys.");
        return new FunctionResult { ReturnValue = purged };
    }
}
