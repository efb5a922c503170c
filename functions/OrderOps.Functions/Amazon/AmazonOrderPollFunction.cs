using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Amazon;

/// <summary>
/// Timer-triggered (<c>Channels:Amazon:PollSchedule</c>, default every 5 minutes): polls every configured seller and
/// marketplace for orders updated since its watermark and queues them for ingest. Runs never overlap: the timer
/// host invokes one at a time and the poller refuses a second concurrent run.
/// </summary>
public sealed class AmazonOrderPollFunction(AmazonOrderPoller poller) : IFunctionHandler
{
    /// <summary>
    /// A run stops itself before host.json's functionTimeout (10 minutes); the persisted cursor lets the next run carry on
    /// where this one stopped, so stopping early loses nothing.
    /// </summary>
    public static readonly TimeSpan RunBudget = TimeSpan.FromMinutes(9);

    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(RunBudget);
        var result = await poller.PollAsync(budget.Token);
        if (result.Skipped)
        {
            context.Log("Skipped: the previous poll is still running.");
        }

        foreach (var marketplace in result.Marketplaces)
        {
            context.Log($"{marketplace.SellerId}/{marketplace.MarketplaceId}: {marketplace.OrdersQueued} orders queued in {marketplace.Pages} pages"
                + (marketplace.Error is { } error ? $"; failed: {error.GetType().Name}: {error.Message}" : string.Empty));
        }

        return new FunctionResult { ReturnValue = result.OrdersQueued };
    }
}
