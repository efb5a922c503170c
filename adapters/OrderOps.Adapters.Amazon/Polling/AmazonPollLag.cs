using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Polling;

/// <summary>
/// How far behind Amazon each configured seller + marketplace is: the poller's watermark (every order updated before
/// it has been queued) against now. For health checks and metrics; read from the checkpoints the poller keeps.
/// </summary>
public sealed class AmazonPollLag(ICheckpointStore checkpoints, IOptionsMonitor<AmazonOptions> options)
{
    public async Task<IReadOnlyList<AmazonPollPosition>> GetAsync(CancellationToken cancellationToken)
    {
        var positions = new List<AmazonPollPosition>();
        foreach (var (sellerId, account) in options.CurrentValue.Accounts.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            foreach (var marketplaceId in account.MarketplaceIds)
            {
                var watermark = PollCheckpoints.ParseTime(await checkpoints.GetAsync(PollCheckpoints.WatermarkName(sellerId, marketplaceId), cancellationToken));
                positions.Add(new AmazonPollPosition(sellerId, marketplaceId, watermark));
            }
        }

        return positions;
    }
}

/// <param name="Watermark">Null when the account + marketplace was never polled successfully.</param>
public sealed record AmazonPollPosition(string SellerId, string MarketplaceId, DateTimeOffset? Watermark);
