using OrderOps.Adapters.Amazon.Polling;

namespace OrderOps.Functions.Amazon;

/// <summary>
/// Timer-triggered (<c>Channels:Amazon:PollSchedule</c>, default every 5 minutes): polls every configured seller and
/// marketplace for orders updated since its watermark and queues them for ingest. Runs never overlap: the timer
/// host invokes one at a time and the poller refuses a second concurrent run.
/// </summary>
public sealed partial class AmazonOrderPollFunction(AmazonOrderPoller poller, ILogger<AmazonOrderPollFunction> logger)
{
    /// <summary>
    /// A run stops itself before host.json's functionTimeout (10 minutes); the persisted cursor lets the next run carry on
    /// where this one stopped, so stopping early loses nothing.
    /// </summary>
    public static readonly TimeSpan RunBudget = TimeSpan.FromMinutes(9);

    [Function("AmazonOrderPoll")]
    public async Task RunAsync([TimerTrigger("%Channels:Amazon:PollSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(RunBudget);
        var result = await poller.PollAsync(budget.Token);
        if (result.Skipped)
        {
            LogSkipped();
        }

        foreach (var marketplace in result.Marketplaces)
        {
            if (marketplace.Error is { } error)
            {
                LogFailed(marketplace.SellerId, marketplace.MarketplaceId, marketplace.OrdersQueued, marketplace.Pages, error.GetType().Name, error.Message);
            }
            else
            {
                LogPolled(marketplace.SellerId, marketplace.MarketplaceId, marketplace.OrdersQueued, marketplace.Pages);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Amazon poll skipped: the previous poll is still running.")]
    private partial void LogSkipped();

    [LoggerMessage(Level = LogLevel.Information, Message = "Amazon {SellerId}/{MarketplaceId}: {Orders} orders queued in {Pages} pages.")]
    private partial void LogPolled(string sellerId, string marketplaceId, int orders, int pages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Amazon {SellerId}/{MarketplaceId}: {Orders} orders queued in {Pages} pages, then failed: {Error}: {Detail}")]
    private partial void LogFailed(string sellerId, string marketplaceId, int orders, int pages, string error, string detail);
}
