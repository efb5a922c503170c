using System.Text.Json.Nodes;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>What one message did to one order: the state after it, whether it changed anything, and why not.</summary>
public sealed record LifecycleOutcome(string OrderId, string State, bool Applied, string? Note = null);

/// <summary>
/// The lifecycle's decisions for one message: applies it to the order's <see cref="ProcessState"/>, drives the
/// machine as far as it can go (validate, hold, allocate, release...), and records every change as history events.
/// Deterministic: the time, the order's facts and the options come in; every side effect goes out through
/// <see cref="ILifecycleSteps"/>, so the same code runs inside a Durable orchestrator and replays identically.
/// It moves the order only along <see cref="LifecycleMachine"/>.
/// </summary>
public sealed partial class LifecycleDecider
{
    private readonly LifecycleOrderFacts _order;
    private readonly ProcessState _ps;
    private readonly LifecycleMessage? _message;
    private readonly DateTimeOffset _now;
    private readonly LifecycleOptions _options;
    private readonly ILifecycleSteps _steps;

    public LifecycleDecider(LifecycleOrderFacts order, ProcessState state, LifecycleMessage? message, DateTimeOffset now, LifecycleOptions options, ILifecycleSteps steps)
    {
        _order = order ?? throw new ArgumentNullException(nameof(order));
        _ps = state ?? throw new ArgumentNullException(nameof(state));
        _message = message;
        _now = now;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _steps = steps ?? throw new ArgumentNullException(nameof(steps));
    }

    /// <summary>History events this message caused, in order.</summary>
    public List<OrderEvent> Events { get; } = [];

    /// <summary>Why the message changed nothing (duplicate, too late, not applicable), when it did not.</summary>
    public string? Note { get; private set; }

    private string Actor => _message?.Actor ?? "system:lifecycle";

    private string? Cause => _message is null ? "lifecycle resumed" : _message.Cause ?? _message.Key;

    private string ReservationId => _ps.ReservationId(_order.OrderId);

    /// <summary>Applies the message (if any), then drives on; returns the outcome.</summary>
    public async Task<LifecycleOutcome> RunAsync()
    {
        if (_message is not null)
        {
            await ApplyAsync(_message);
        }

        await DriveAsync();
        return new LifecycleOutcome(_order.OrderId, _ps.State, Events.Count > 0, Events.Count > 0 ? null : Note);
    }

    private async Task ApplyAsync(LifecycleMessage message)
    {
        switch (message.Type)
        {
            case LifecycleMessageTypes.Start:
                break; // Drive does the work.
            case LifecycleMessageTypes.ChannelUpdated:
                await ChannelUpdatedAsync();
                break;
            case LifecycleMessageTypes.Cancel:
                await CancelAsync(message.Reason ?? "cancelled by " + message.Actor, message.Actor.StartsWith("channel:", StringComparison.Ordinal), reject: false);
                break;
            case LifecycleMessageTypes.FulfillmentAcknowledged:
                Acknowledge(message.LocationId ?? string.Empty);
                break;
            case LifecycleMessageTypes.Shipped:
                await ShipAsync(message);
                break;
            case LifecycleMessageTypes.Delivered:
                ReportDelivery(message);
                break;
            case LifecycleMessageTypes.Returned:
                ReportReturn(message);
                break;
            case LifecycleMessageTypes.TimerDue:
                await TimerDueAsync(message);
                break;
            case LifecycleMessageTypes.Resolve:
                await ResolveAsync(message);
                break;
            case LifecycleMessageTypes.StockArrived:
                await RetryShortStockAsync();
                break;
            default:
                Note = $"Unknown lifecycle message type '{message.Type}'.";
                break;
        }
    }

    /// <summary>Runs the automatic steps until the order waits for something outside (a person, a location, a timer).</summary>
    private async Task DriveAsync()
    {
        for (var guard = 0; guard < 20; guard++)
        {
            if (LifecycleStates.IsTerminal(_ps.State))
            {
                return;
            }

            if (_order.CancelledByChannel && !_ps.ChannelCancellationSeen)
            {
                _ps.ChannelCancellationSeen = true;
                await CancelAsync(_order.ChannelCancelReason ?? "cancelled by the channel", requestedByChannel: true, reject: false);
                continue;
            }

            if (_ps.IsBlocked)
            {
                return;
            }

            var before = _ps.State;
            switch (_ps.State)
            {
                case LifecycleStates.Received:
                    await ValidateAsync();
                    break;
                case LifecycleStates.Validated:
                    if (NeedsReview() is { } why)
                    {
                        Move(LifecycleTriggers.Hold, LifecycleStates.OnHold, new JsonObject { ["why"] = why });
                        Arm(TimerKinds.ReviewHold, _now + _options.ReviewHold.After, null);
                        await RaiseAsync(ExceptionKinds.ReviewRequired, $"Held for review: {why}.", [Resolutions.Override, Resolutions.Cancel],
                            "Check the order; override (with a reason) to approve it, or cancel to reject it.", null);
                        return;
                    }

                    await AllocateAsync();
                    break;
                case LifecycleStates.Allocated:
                    await ReleaseAsync();
                    break;
                case LifecycleStates.Shipped when _ps.DeliveryReported:
                    Move(LifecycleTriggers.Deliver, LifecycleStates.Delivered);
                    break;
                case LifecycleStates.Delivered:
                    Move(LifecycleTriggers.Complete, LifecycleStates.Completed);
                    DisarmAll();
                    break;
            }

            if (_ps.State == before)
            {
                return;
            }
        }
    }

    // ---- bookkeeping ------------------------------------------------------------------------------------------------

    private void Move(string trigger, string to, JsonObject? data = null)
    {
        var from = _ps.State;
        _ = LifecycleMachine.Find(from, trigger, to) ?? throw new InvalidOperationException($"The lifecycle does not allow {from} --{trigger}--> {to}.");
        _ps.State = to;
        data ??= [];
        data["from"] = from;
        data["to"] = to;
        data["trigger"] = trigger;
        Record(LifecycleEventTypes.Transition, data);
    }

    private void Record(string type, JsonObject data) =>
        Events.Add(new OrderEvent { Type = type, At = _now, Actor = Actor, Cause = Cause, Data = data.ToJsonString() });

    private void Owe(OwedCompensation compensation)
    {
        if (!_ps.Owed.Contains(compensation))
        {
            _ps.Owed.Add(compensation);
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
