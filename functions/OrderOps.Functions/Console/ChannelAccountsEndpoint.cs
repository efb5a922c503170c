using Microsoft.AspNetCore.Mvc;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Operations;
using OrderOps.Core.Ports;
using OrderOps.Functions.Edi;
using OrderOps.Functions.OpenApi;
using OrderOps.Functions.Operations.Health;

namespace OrderOps.Functions.Console;

/// <summary>
/// The Channels page's rows: one per channel account and direction (inventory pushed to a Shopify shop or an Amazon
/// seller, an 846 file written for an EDI partner, orders polled from an Amazon seller + marketplace), each with its last
/// success and failure (<see cref="ChannelActivityLog"/>), what it is owed and its rate-limit state.
/// </summary>
public sealed class ChannelAccountsEndpoint(
    ChannelAccounts accounts,
    IInventoryPublicationStore publications,
    AmazonPollLag polls,
    EdiOptions edi,
    ChannelActivityLog activity,
    TimeProvider time)
{
    /// <summary><c>GET /api/overview/channels</c>.</summary>
    [Function("GetChannelAccounts")]
    [Tags("Console")]
    [EndpointSummary("Per channel account: last successful poll or push, last failure, pending and parked pushes, rate-limit state.")]
    [ProducesResponseType<ChannelAccountsView>(StatusCodes.Status200OK)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/overview/channels")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = new List<ChannelAccountView>();
        foreach (var account in accounts.All.OrderBy(a => a.Publisher.Account, StringComparer.Ordinal))
        {
            var owed = await PushBacklog.ReadAsync(publications, account.Channel, now, cancellationToken);
            var pacing = account.PushesPerSecond is { } rate
                ? $"{rate:0.##} pushes/s in batches of {Math.Max(1, account.Options.Burst)}"
                : "paced by the channel's own throttle replies";
            rows.Add(await RowAsync("inventory push", account.Channel, account.Publisher.Account, ChannelActivityLog.PushAccount(account.Publisher.Account), now, cancellationToken) with
            {
                PendingPushes = owed.Pending,
                ParkedPushes = owed.Parked,
                ParkedUntil = owed.ParkedUntil,
                OldestPushWaitSeconds = (long)owed.OldestWait.TotalSeconds,
                Pacing = pacing,
            });
        }

        foreach (var (partnerId, _) in edi.Partners.Where(p => p.Value.InventoryAdvice).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            rows.Add(await RowAsync("846 inventory advice", "edi", partnerId, ChannelActivityLog.PushAccount(SendInventoryAdviceFunction.ActivityAccount(partnerId)), now, cancellationToken) with
            {
                Pacing = $"a file on schedule {edi.InventoryAdviceSchedule}",
            });
        }

        foreach (var position in await polls.GetAsync(cancellationToken))
        {
            var account = AmazonOrderPoller.ActivityAccount(position.SellerId, position.MarketplaceId);
            rows.Add(await RowAsync("order poll", "amazon", $"{position.SellerId} / {position.MarketplaceId}", ChannelActivityLog.PollAccount(account), now, cancellationToken) with
            {
                PolledUpTo = position.Watermark,
            });
        }

        return Results.Ok(new ChannelAccountsView(now, rows));
    }

    private async Task<ChannelAccountView> RowAsync(string kind, string channel, string account, string activityAccount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recorded = await activity.GetAsync(activityAccount, cancellationToken);
        var waiting = recorded.RetryAt > now;
        return new ChannelAccountView(kind, channel, account)
        {
            LastSuccessAt = recorded.LastSuccessAt,
            LastFailureAt = recorded.LastFailureAt,
            LastFailure = recorded.LastFailure,
            RetryAt = waiting ? recorded.RetryAt : null,
            RetryAfterHonoured = waiting && recorded.RetryAfterHonoured,
        };
    }

    public sealed record ChannelAccountsView(DateTimeOffset CheckedAt, IReadOnlyList<ChannelAccountView> Accounts);

    /// <param name="Kind">What the row is about: <c>inventory push</c>, <c>846 inventory advice</c> or <c>order poll</c>.</param>
    public sealed record ChannelAccountView(string Kind, string Channel, string Account)
    {
        public DateTimeOffset? LastSuccessAt { get; init; }

        public DateTimeOffset? LastFailureAt { get; init; }

        /// <summary>The channel's error text of the last failure (never a credential).</summary>
        public string? LastFailure { get; init; }

        /// <summary>Still waiting after the last failure until then (our backoff, or the channel's Retry-After).</summary>
        public DateTimeOffset? RetryAt { get; init; }

        public bool RetryAfterHonoured { get; init; }

        public int? PendingPushes { get; init; }

        public int? ParkedPushes { get; init; }

        /// <summary>When the first parked push is tried again.</summary>
        public DateTimeOffset? ParkedUntil { get; init; }

        public long? OldestPushWaitSeconds { get; init; }

        /// <summary>How the account's calls are spaced.</summary>
        public string? Pacing { get; init; }

        /// <summary>Order polls: every order updated before this time has been queued.</summary>
        public DateTimeOffset? PolledUpTo { get; init; }
    }
}
