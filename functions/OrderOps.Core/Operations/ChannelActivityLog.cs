using System.Text.Json;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Operations;

/// <summary>
/// The last success and the last failure of each channel account's polls and pushes, for the operators' Channels page.
/// Nothing else kept them: a push's outcome lives on its SKU's publication row (gone once it succeeds), a poll's in the
/// log. Recorded where the work happens (the channel sync's record activity, the Amazon poller, the EDI 846 run), one
/// small value per account in <see cref="ICheckpointStore"/> (<c>channel-activity:{account}</c>), so both storage
/// backends keep it without a port of its own.
/// </summary>
/// <remarks>
/// Each account has one writer at a time (its singleton sync orchestration; the poller refuses overlapping runs; the
/// 846 timer runs once at a time), so read-merge-write needs no concurrency token. A failure's reason is the channel's
/// error text as publishers and pollers already report it (never a credential: they do not put tokens in errors),
/// cut to <see cref="MaxReasonLength"/>.
/// </remarks>
public sealed class ChannelActivityLog(ICheckpointStore checkpoints)
{
    public const int MaxReasonLength = 300;

    public static string PushAccount(string account) => "push:" + account;

    public static string PollAccount(string account) => "poll:" + account;

    public async Task<ChannelActivity> GetAsync(string account, CancellationToken cancellationToken)
    {
        var stored = await checkpoints.GetAsync(Name(account), cancellationToken);
        return string.IsNullOrEmpty(stored) ? new ChannelActivity() : JsonSerializer.Deserialize<ChannelActivity>(stored, OrderOpsJson.Options) ?? new ChannelActivity();
    }

    /// <summary>Merges a round's outcome: its latest success and its latest failure (either may be null).</summary>
    public async Task RecordAsync(string account, DateTimeOffset? succeededAt, ChannelFailure? failure, CancellationToken cancellationToken)
    {
        if (succeededAt is null && failure is null)
        {
            return;
        }

        var current = await GetAsync(account, cancellationToken);
        var next = current;
        if (succeededAt is { } success && (current.LastSuccessAt is null || success > current.LastSuccessAt))
        {
            next = next with { LastSuccessAt = success };
        }

        if (failure is not null && (current.LastFailureAt is null || failure.At >= current.LastFailureAt))
        {
            next = next with
            {
                LastFailureAt = failure.At,
                LastFailure = failure.Reason.Length > MaxReasonLength ? failure.Reason[..MaxReasonLength] + "…" : failure.Reason,
                RetryAt = failure.RetryAt,
                RetryAfterHonoured = failure.RetryAfterHonoured,
            };
        }

        if (next != current)
        {
            await checkpoints.SetAsync(Name(account), JsonSerializer.Serialize(next, OrderOpsJson.Options), cancellationToken);
        }
    }

    private static string Name(string account) => "channel-activity:" + account;
}

/// <param name="RetryAt">When the account is tried again after this failure (backoff, or the channel's Retry-After).</param>
/// <param name="RetryAfterHonoured">The wait is the channel's own Retry-After, longer than our backoff.</param>
public sealed record ChannelFailure(DateTimeOffset At, string Reason, DateTimeOffset? RetryAt = null, bool RetryAfterHonoured = false);

public sealed record ChannelActivity
{
    public DateTimeOffset? LastSuccessAt { get; init; }

    public DateTimeOffset? LastFailureAt { get; init; }

    public string? LastFailure { get; init; }

    /// <summary>When the last failure's wait ends; in the past once it is over.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    public bool RetryAfterHonoured { get; init; }
}
