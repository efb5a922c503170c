using OrderOps.Adapters.Amazon.Mapping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Cancels a seller-fulfilled Amazon order the way Amazon documents for sellers: an order acknowledgement feed with
/// StatusCode Failure through the Feeds API, then Amazon's processing report decides Done or Failed.
/// </summary>
/// <remarks>
/// <para>Feeds are asynchronous. One call waits up to <see cref="AmazonCancellationOptions.ResultWait"/> for the
/// report; a feed still processing after that is answered Pending, never Done, because nothing is known yet, and the
/// lifecycle asks again on its channel-recheck timer. The feed id is kept in the checkpoint store under
/// <c>amazon:{sellerId}:{amazonOrderId}:cancellationFeed</c>, so every later call (a crash repeat or an operator's
/// retry) reads that same feed's result instead of submitting another. A report with errors or a feed Amazon ended
/// CANCELLED/FATAL forgets the id, so a retry submits anew.</para>
/// <para>The windows left: a crash after createFeed answered and before the id is stored, or a createFeed whose answer
/// was lost and which the resilience pipeline retried. Either way a second identical feed is submitted; Amazon processes
/// it against an order the first one already cancelled, its report shows the error, and the operator sees Amazon's
/// words and overrides. Nothing is ever reported Done that Amazon did not confirm.</para>
/// </remarks>
internal sealed class AmazonOrderCanceller(
    SellingPartnerFeedsClient feeds,
    ICheckpointStore checkpoints,
    IOptionsMonitor<AmazonOptions> options,
    TimeProvider time,
    ILogger<AmazonOrderCanceller> logger)
{
    public static string CheckpointName(string sellerId, string amazonOrderId) => $"amazon:{sellerId}:{amazonOrderId}:cancellationFeed";

    public async Task<ChannelNotifyResult> CancelAsync(CanonicalOrder order, AmazonOrderTarget target, CancellationToken cancellationToken)
    {
        if (AmazonOrderStatuses.IsCancelled(target.OrderStatus))
        {
            return new ChannelNotifyResult(ChannelNotifyStatus.Done, $"Amazon already shows the order {target.OrderStatus}; no feed sent.");
        }

        if (AmazonOrderStatuses.IsShippedAtAll(target.OrderStatus))
        {
            return ChannelNotifyResult.Failed(
                $"Amazon shows order {target.AmazonOrderId} as {target.OrderStatus}; cancelling it with an order acknowledgement now would refund the whole order (Amazon warns against it). Cancel or refund the remaining items in Seller Central, then override.");
        }

        if (target.IsFulfilledByAmazon)
        {
            return ChannelNotifyResult.Failed($"Amazon order {target.AmazonOrderId} is fulfilled by Amazon (FBA); sellers cannot cancel it with an order acknowledgement. Request the cancellation in Seller Central, then override.");
        }

        var settings = options.CurrentValue.Cancellation;
        var checkpoint = CheckpointName(target.SellerId, target.AmazonOrderId);
        try
        {
            var feedId = await checkpoints.GetAsync(checkpoint, cancellationToken) is { Length: > 0 } remembered ? remembered : null;
            if (feedId is null)
            {
                var document = OrderAcknowledgementFeed.Cancel(target.SellerId, target.AmazonOrderId, order.LineItems.Select(l => l.LineId), settings.CancelReason);
                feedId = await feeds.SubmitFeedAsync(target.SellerId, OrderAcknowledgementFeed.FeedType, [target.MarketplaceId], document, OrderAcknowledgementFeed.ContentType, cancellationToken);
                await checkpoints.SetAsync(checkpoint, feedId, cancellationToken);
                logger.LogInformation("Submitted cancellation feed {FeedId} for Amazon order {AmazonOrderId} of seller {SellerId}.", feedId, target.AmazonOrderId, target.SellerId);
            }

            var status = await WaitForFeedAsync(target.SellerId, feedId, settings, cancellationToken);
            if (!status.IsFinal)
            {
                return ChannelNotifyResult.Pending(
                    $"Amazon accepted cancellation feed {feedId} for order {target.AmazonOrderId} and is still processing it ({status.ProcessingStatus}); its result is read on the next check (the same feed, no second one is sent).");
            }

            if (status.ProcessingStatus != FeedStatus.Done || status.ResultFeedDocumentId is null)
            {
                await checkpoints.SetAsync(checkpoint, string.Empty, cancellationToken);
                return ChannelNotifyResult.Failed($"Amazon ended cancellation feed {feedId} as {status.ProcessingStatus} without a result; the order may still be open at Amazon. Retry to send a new feed.");
            }

            var report = FeedProcessingReport.Parse(await feeds.DownloadDocumentAsync(target.SellerId, status.ResultFeedDocumentId, cancellationToken));
            if (report.Succeeded)
            {
                return new ChannelNotifyResult(ChannelNotifyStatus.Done, $"Amazon cancelled the order (feed {feedId}).");
            }

            await checkpoints.SetAsync(checkpoint, string.Empty, cancellationToken);
            return ChannelNotifyResult.Failed($"Amazon rejected cancellation feed {feedId} for order {target.AmazonOrderId}: {report.DescribeErrors()}");
        }
        catch (Exception ex) when (AmazonNotifyFailures.IsExpected(ex, cancellationToken))
        {
            return ChannelNotifyResult.Failed(AmazonNotifyFailures.Describe(ex, $"the cancellation of order {target.AmazonOrderId}"));
        }
    }

    /// <summary>getFeed now and every PollInterval until final or ResultWait is used up (counted in polls, not wall time).</summary>
    private async Task<FeedStatus> WaitForFeedAsync(string sellerId, string feedId, AmazonCancellationOptions settings, CancellationToken cancellationToken)
    {
        var waits = (int)(settings.ResultWait.Ticks / settings.PollInterval.Ticks);
        for (var waited = 0; ; waited++)
        {
            var status = await feeds.GetFeedAsync(sellerId, feedId, cancellationToken);
            if (status.IsFinal || waited >= waits)
            {
                return status;
            }

            await Task.Delay(settings.PollInterval, time, cancellationToken);
        }
    }
}
