using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Operations.Health;

/// <summary>
/// Per channel: the inventory pushes it is owed (how long the oldest waits, how many are parked after failing), and
/// for Amazon how far each seller + marketplace's poll watermark lags behind now.
/// </summary>
internal sealed class ChannelHealthCheck(IInventoryPublicationStore publications, AmazonPollLag pollLag, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rules = options.Value;
        var now = time.GetUtcNow();
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var channel in Channels.All)
        {
            var (pending, parked, lag, lastError) = await PushBacklog.ReadAsync(publications, channel, now, cancellationToken);
            if (parked > 0)
            {
                problems.Add($"{channel}: {parked} inventory pushes parked after failing");
            }
            else if (lag > rules.PushLagDegraded)
            {
                problems.Add($"{channel}: the oldest inventory push waits {lag.TotalMinutes:0} min");
            }

            data[channel] = new { pendingPushes = pending, parkedPushes = parked, oldestPushWaitSeconds = (long)lag.TotalSeconds, lastError };
        }

        var polls = new List<object>();
        foreach (var position in await pollLag.GetAsync(cancellationToken))
        {
            var behind = position.Watermark is { } watermark ? now - watermark : (TimeSpan?)null;
            if (behind is null || behind > rules.PollLagDegraded)
            {
                problems.Add(behind is null
                    ? $"amazon {position.SellerId}/{position.MarketplaceId}: never polled successfully"
                    : $"amazon {position.SellerId}/{position.MarketplaceId}: the poll is {behind.Value.TotalMinutes:0} min behind");
            }

            polls.Add(new { sellerId = position.SellerId, marketplaceId = position.MarketplaceId, lastPolledUpTo = position.Watermark, lagSeconds = (long?)behind?.TotalSeconds });
        }

        data["amazonPolls"] = polls;
        return problems.Count == 0
            ? HealthCheckResult.Healthy("Every channel is up to date.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ".", data: data);
    }
}
