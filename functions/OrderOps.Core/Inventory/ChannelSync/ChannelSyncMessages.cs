using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>
/// The input of one generation of an account's channel-sync orchestration. Everything the orchestrator decides from
/// is in here or in an activity's result, so it replays deterministically.
/// </summary>
public sealed record ChannelSyncInput
{
    /// <summary>The inventory channel (<c>Inventory:Channels</c> key) whose pending pushes this account publishes.</summary>
    public required string Channel { get; init; }

    /// <summary>The next batch may not start before this (rate pacing carried across <c>ContinueAsNew</c>).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>How long to wait before trying again when an activity has failed every retry (storage down).</summary>
    public TimeSpan FailureBackoff { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The payload of the <see cref="ChannelSyncOrchestration.ChangedEvent"/>: pushes were scheduled for the account, the
/// earliest due at <paramref name="DueAt"/> (a coalescing window's end is in the future; a new value is due now).
/// </summary>
public sealed record ChannelSyncSignal(DateTimeOffset DueAt);

/// <summary>
/// What the push activity did: leased the due pushes and published them (<see cref="Completions"/>, to be recorded),
/// or found none due and says when the next one is. Plus the pacing and idle settings the orchestrator needs.
/// </summary>
public sealed record ChannelSyncRound
{
    /// <summary>The channel has no enabled publisher any more: the orchestration ends (a later signal would start it again).</summary>
    public bool Retired { get; init; }

    /// <summary>The outcome of each push leased this round (empty when none was due).</summary>
    public IReadOnlyList<PushCompletion> Completions { get; init; } = [];

    /// <summary>The activity's clock when it leased (the pacing counts from there).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>When no push was due: when the next pending one is (null when none waits).</summary>
    public DateTimeOffset? NextDueAt { get; init; }

    /// <summary>One push per this interval (1 / the account's pushes per second); null when the publisher paces itself.</summary>
    public TimeSpan? PushInterval { get; init; }

    /// <summary>With nothing due, look again after this long even without a signal (a lost signal's safety net).</summary>
    public TimeSpan IdleRecheck { get; init; }
}
