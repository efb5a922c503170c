using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Core.Ingest;
using OrderOps.Core.Operations;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Adapters.Amazon.Polling;

/// <summary>
/// Polls Orders API v2026-01-01 <c>searchOrders</c> for every configured seller account and marketplace, archives each
/// order (items, buyer, recipient, proceeds and fulfillment included through <c>includedData</c>) and puts a claim
/// check on the ingest queue. The timer function (<see cref="AmazonOptions.PollSchedule"/>) calls
/// <see cref="PollAsync"/>; nothing else is needed.
/// </summary>
/// <remarks>
/// <para><b>Windows.</b> A poll asks for orders with <c>lastUpdatedAfter = watermark − Overlap</c> (first run:
/// now − InitialLookback) and <c>lastUpdatedBefore = now − WindowEndLag</c> (Amazon rejects later values), and pages
/// through that fixed window with <c>paginationToken</c>. Re-reading the overlap catches orders Amazon indexes late; the
/// duplicates it produces are harmless because archive ids and message ids are deterministic
/// (<c>amazon:{seller}:{order}:{lastUpdatedTime}</c>) and ingest is idempotent.</para>
/// <para><b>What is safe to persist, and when.</b> The watermark means "every order updated before this time is
/// queued". Amazon does not document that searchOrders pages are sorted by lastUpdatedTime, so after page 1 the largest
/// time seen proves nothing about orders still on later pages: advancing the watermark to it and then crashing would
/// skip them for good. So, after each page whose orders are all durably archived and queued, the poller persists a
/// <i>cursor</i> (the window, the token of the next page and when it was received) and only when the last page is
/// queued does it move the watermark, to the window's end (≥ every lastUpdatedTime seen). After a crash between pages
/// the next run resumes from the cursor, so queued pages are not fetched or queued again; a crash inside a page re-sends
/// at most that page's messages, which the deterministic message ids de-duplicate. Pagination tokens expire after
/// 24 hours: an older cursor (or one Amazon refuses, or one saved by the v0 poller) is dropped and the window restarts
/// from the watermark — more duplicates, never a gap. The watermark never moves backwards.</para>
/// <para><b>Throughput.</b> One searchOrders call brings up to 100 orders with everything the mapping needs, so
/// no per-order call remains; searchOrders' plan (0.0056 rps, burst 20) bounds a seller to about 34 orders a minute
/// sustained at full pages, after a burst of 2,000. A backlog that outlasts the host's function timeout is cancelled
/// and the cursor makes the next run continue. Accounts and marketplaces are polled concurrently so one seller's
/// backlog does not starve the others.</para>
/// <para><b>No overlapping runs.</b> A run that starts while another is in progress in this process returns
/// <see cref="AmazonPollResult.SkippedRun"/>. Across instances the host guarantees it: Azure Functions timer triggers
/// are singletons (a blob lease), and the standalone host awaits each run before scheduling the next.</para>
/// </remarks>
public sealed class AmazonOrderPoller : IDisposable
{
    /// <summary>Kind of the archived payloads and ingest messages: one Orders API v2026-01-01 <c>Order</c>, items included.</summary>
    public const string IngestKind = "searchOrders";

    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly SellingPartnerOrdersClient _client;
    private readonly ICheckpointStore _checkpoints;
    private readonly IRawArchive _archive;
    private readonly IMessageQueue _queue;
    private readonly IOptionsMonitor<AmazonOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AmazonOrderPoller> _logger;
    private readonly ChannelActivityLog? _activity;

    public AmazonOrderPoller(
        SellingPartnerOrdersClient client,
        ICheckpointStore checkpoints,
        IRawArchive archive,
        IMessageQueue queue,
        IOptionsMonitor<AmazonOptions> options,
        TimeProvider timeProvider,
        ILogger<AmazonOrderPoller> logger,
        ChannelActivityLog? activity = null)
    {
        _activity = activity;
        _client = client;
        _checkpoints = checkpoints;
        _archive = archive;
        _queue = queue;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Polls every configured account and marketplace once. A failure in one (throttled past the retries, circuit
    /// open, refused token) is logged and reported in the result; the others still run. Cancellation stops the run
    /// and throws; whatever was queued before it stays covered by the cursor or watermark.
    /// </summary>
    public async Task<AmazonPollResult> PollAsync(CancellationToken cancellationToken)
    {
        if (!await _running.WaitAsync(0, cancellationToken))
        {
            _logger.LogWarning("An Amazon poll is still running; this run is skipped.");
            return AmazonPollResult.SkippedRun;
        }

        try
        {
            // All at once: usage plans are per seller, so one seller's backlog must not starve the others before the
            // host cancels the run; marketplaces of one seller share its buckets and take turns in the limiter's queue.
            var polls = _options.CurrentValue.Accounts
                .SelectMany(account => account.Value.MarketplaceIds.Select(marketplaceId => PollMarketplaceAsync(account.Key, marketplaceId, cancellationToken)))
                .ToList();
            var results = await Task.WhenAll(polls);
            return new AmazonPollResult { Marketplaces = results };
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();

    private async Task<MarketplacePollResult> PollMarketplaceAsync(string sellerId, string marketplaceId, CancellationToken cancellationToken)
    {
        var progress = new Progress();
        try
        {
            await PollWindowAsync(sellerId, marketplaceId, progress, cancellationToken);
            await RecordActivityAsync(sellerId, marketplaceId, null, cancellationToken);
            _logger.LogInformation(
                "Amazon poll of seller {SellerId} marketplace {MarketplaceId}: {Pages} pages, {Orders} orders queued, watermark {Watermark:O}.",
                sellerId, marketplaceId, progress.Pages, progress.Queued, progress.Watermark);
            return progress.ToResult(sellerId, marketplaceId, error: null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(
                ex, "Amazon poll of seller {SellerId} marketplace {MarketplaceId} stopped after {Pages} pages and {Orders} orders.",
                sellerId, marketplaceId, progress.Pages, progress.Queued);
            await RecordActivityAsync(sellerId, marketplaceId, ex, cancellationToken);
            return progress.ToResult(sellerId, marketplaceId, ex);
        }
    }

    /// <summary>The Channels page's last success / last failure of this seller + marketplace; never fails the poll.</summary>
    private async Task RecordActivityAsync(string sellerId, string marketplaceId, Exception? error, CancellationToken cancellationToken)
    {
        if (_activity is null)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        try
        {
            await _activity.RecordAsync(
                ChannelActivityLog.PollAccount(ActivityAccount(sellerId, marketplaceId)),
                error is null ? now : null,
                error is null ? null : new ChannelFailure(now, $"{error.GetType().Name}: {error.Message}"),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not record the Amazon poll outcome of seller {SellerId} marketplace {MarketplaceId}.", sellerId, marketplaceId);
        }
    }

    /// <summary>The account name of one seller + marketplace's poll in the <see cref="ChannelActivityLog"/>.</summary>
    public static string ActivityAccount(string sellerId, string marketplaceId) => $"amazon:{sellerId}:{marketplaceId}";

    private async Task PollWindowAsync(string sellerId, string marketplaceId, Progress progress, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var watermarkName = PollCheckpoints.WatermarkName(sellerId, marketplaceId);
        var cursorName = PollCheckpoints.CursorName(sellerId, marketplaceId);
        var watermark = PollCheckpoints.ParseTime(await _checkpoints.GetAsync(watermarkName, cancellationToken));
        progress.Watermark = watermark;
        PollCursor? cursor;
        try
        {
            cursor = PollCheckpoints.ParseCursor(await _checkpoints.GetAsync(cursorName, cancellationToken));
        }
        catch (System.Text.Json.JsonException)
        {
            // Unreadable progress must not block the marketplace forever; re-reading the window is always safe.
            _logger.LogWarning("The saved cursor of seller {SellerId} marketplace {MarketplaceId} is unreadable; its window is read again.", sellerId, marketplaceId);
            cursor = null;
        }

        if (cursor?.Unusable(_timeProvider.GetUtcNow()) is { } why)
        {
            _logger.LogWarning("The saved cursor of seller {SellerId} marketplace {MarketplaceId} is not used ({Reason}); its window is read again from the watermark.", sellerId, marketplaceId, why);
            cursor = null;
        }

        var (start, end) = cursor is not null ? (cursor.WindowStart, cursor.WindowEnd) : NewWindow(watermark, options);
        var nextToken = cursor?.NextToken;
        if (cursor is not null)
        {
            _logger.LogInformation("Resuming the Amazon poll of seller {SellerId} marketplace {MarketplaceId} at a saved page.", sellerId, marketplaceId);
        }
        else if (end <= start)
        {
            return; // Polled less than WindowEndLag ago; nothing Amazon lets us ask for yet.
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            SearchOrdersPage page;
            var query = new SearchOrdersQuery
            {
                MarketplaceIds = [marketplaceId],
                LastUpdatedAfter = start,
                LastUpdatedBefore = end,
                MaxResultsPerPage = options.MaxResultsPerPage,
                PaginationToken = nextToken,
                IncludedData = OrdersIncludedData.ForMapping,
            };
            try
            {
                page = await _client.SearchOrdersAsync(sellerId, query, cancellationToken);
            }
            catch (SellingPartnerApiException ex) when (cursor is not null && nextToken == cursor.NextToken && ex.StatusCode == HttpStatusCode.BadRequest)
            {
                // A saved token Amazon no longer accepts (expired sooner than documented, or revoked): redo the window
                // from the watermark instead.
                _logger.LogWarning("Amazon refused the saved pagination token of seller {SellerId} marketplace {MarketplaceId}; restarting its window.", sellerId, marketplaceId);
                await _checkpoints.SetAsync(cursorName, string.Empty, cancellationToken);
                (start, end) = NewWindow(watermark, options);
                cursor = null;
                nextToken = null;
                continue;
            }

            foreach (var order in page.Orders)
            {
                if (await QueueOrderAsync(sellerId, order, seen, cancellationToken))
                {
                    progress.Queued++;
                }
            }

            progress.Pages++;
            if (page.NextToken is { } token)
            {
                // Every order of this page is queued: remember where the next page starts, and when its token was issued.
                var next = new PollCursor(start, end, token, _timeProvider.GetUtcNow(), PollCursor.CurrentApi);
                await _checkpoints.SetAsync(cursorName, PollCheckpoints.FormatCursor(next), cancellationToken);
                nextToken = token;
                continue;
            }

            // The whole window is queued. Watermark first: a crash before the cursor is cleared only re-reads the last page.
            if (watermark is null || end > watermark)
            {
                await _checkpoints.SetAsync(watermarkName, PollCheckpoints.FormatTime(end), cancellationToken);
                progress.Watermark = end;
            }

            if (cursor is not null || progress.Pages > 1)
            {
                await _checkpoints.SetAsync(cursorName, string.Empty, cancellationToken);
            }

            return;
        }
    }

    /// <summary>From the watermark less the overlap (first run: now less the initial lookback) to now less the lag Amazon requires.</summary>
    private (DateTimeOffset Start, DateTimeOffset End) NewWindow(DateTimeOffset? watermark, AmazonOptions options)
    {
        var now = _timeProvider.GetUtcNow();
        return (PollCheckpoints.TruncateToSecond(watermark is { } w ? w - options.Overlap : now - options.InitialLookback),
            PollCheckpoints.TruncateToSecond(now - options.WindowEndLag));
    }

    /// <returns>False when the same order version was already queued earlier in this window.</returns>
    private async Task<bool> QueueOrderAsync(string sellerId, JsonObject order, HashSet<string> seen, CancellationToken cancellationToken)
    {
        var orderId = (order["orderId"] as JsonValue)?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(orderId))
        {
            throw new SellingPartnerApiException("searchOrders returned an order without orderId.");
        }

        var archiveId = ArchiveId(sellerId, orderId, order["lastUpdatedTime"]?.ToString());
        if (!seen.Add(archiveId))
        {
            return false; // Amazon's pages can repeat an order.
        }

        // Archived already (the overlap re-reads it, or a run died before sending): the archive keeps the first copy;
        // the message is still sent, since the earlier send may not have happened.
        if (await _archive.GetAsync(archiveId, cancellationToken) is null)
        {
            await _archive.ArchiveAsync(
                new RawPayload
                {
                    Id = archiveId,
                    Channel = Channels.Amazon,
                    Account = sellerId,
                    Kind = IngestKind,
                    ReceivedAt = _timeProvider.GetUtcNow(),
                    ContentType = "application/json",
                    Body = AmazonOrderDocument.Serialize(order),
                },
                cancellationToken);
        }

        await _queue.SendAsync(
            QueueNames.Ingest,
            new QueueMessage
            {
                MessageId = archiveId,
                Body = OrderOpsJson.Serialize(new IngestMessage(archiveId, Channels.Amazon, IngestKind)),
            },
            cancellationToken);
        return true;
    }

    /// <summary>
    /// <c>amazon:{sellerId}:{orderId}:{lastUpdatedTime}</c>: one archive entry per order version, the same ids the v0
    /// poller gave (AmazonOrderId and LastUpdateDate were the same values), so the move re-queues nothing.
    /// </summary>
    public static string ArchiveId(string sellerId, string amazonOrderId, string? lastUpdateDate)
    {
        var version = DateTimeOffset.TryParse(lastUpdateDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? SellingPartnerOrdersClient.FormatTime(time)
            : lastUpdateDate ?? "unknown";
        return $"amazon:{sellerId}:{amazonOrderId}:{version}";
    }

    private sealed class Progress
    {
        public int Pages { get; set; }

        public int Queued { get; set; }

        public DateTimeOffset? Watermark { get; set; }

        public MarketplacePollResult ToResult(string sellerId, string marketplaceId, Exception? error) => new()
        {
            SellerId = sellerId,
            MarketplaceId = marketplaceId,
            Pages = Pages,
            OrdersQueued = Queued,
            Watermark = Watermark,
            Error = error,
        };
    }
}
