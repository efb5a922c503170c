using System.Globalization;
using System.Text.Json.Nodes;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>Exceptions for operators: raised once per problem, closed with who and why, resolved by retry, cancel or override.</summary>
public sealed partial class LifecycleDecider
{
    /// <summary>
    /// Why a resolution cannot apply to this order's state (unknown exception, option not offered, override without
    /// a reason), or null when it can. The API checks this before it accepts the request, so operators get a 4xx.
    /// </summary>
    public static (string Problem, bool NotFound)? CheckResolution(ProcessState state, string exceptionId, string? resolution, string? reason)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!Resolutions.IsKnown(resolution))
        {
            return ("resolution must be retry, cancel or override.", false);
        }

        var open = state.Exceptions.FirstOrDefault(e => e.ExceptionId == exceptionId);
        if (open is null)
        {
            return ($"The order has no exception '{exceptionId}'.", true);
        }

        if (open.IsOpen && !open.Options.Contains(resolution))
        {
            return ($"'{resolution}' is not an option for this exception; options: {string.Join(", ", open.Options)}.", false);
        }

        return resolution == Resolutions.Override && string.IsNullOrWhiteSpace(reason) ? ("An override needs a reason.", false) : null;
    }

    private async Task RaiseAsync(string kind, string description, IReadOnlyList<string> choices, string recommended, JsonObject? context)
    {
        if (_ps.OpenExceptions.FirstOrDefault(e => e.Kind == kind) is { } already && already.Description == description)
        {
            return; // the same problem is already waiting for someone
        }

        var exception = new LifecycleException
        {
            ExceptionId = string.Create(CultureInfo.InvariantCulture, $"{_order.OrderId}|{kind}|{++_ps.ExceptionSequence}"),
            OrderId = _order.OrderId,
            Channel = _order.Channel,
            Kind = kind,
            Description = description,
            State = _ps.State,
            Options = choices,
            RecommendedAction = recommended,
            RaisedAt = _now,
            Context = context?.ToJsonString(),
        };
        await _steps.PutExceptionAsync(exception);
        _ps.Exceptions.Add(exception);
        Record(LifecycleEventTypes.ExceptionRaised, new JsonObject
        {
            ["exceptionId"] = exception.ExceptionId, ["kind"] = kind, ["description"] = description,
            ["options"] = Strings(choices), ["recommendedAction"] = recommended,
        });
    }

    private async Task CloseAsync(LifecycleException open, string resolution, string actor, string? reason)
    {
        var closed = open with { ResolvedAt = _now, Resolution = resolution, ResolvedBy = actor, ResolutionReason = reason };
        await _steps.PutExceptionAsync(closed);
        _ps.Exceptions[_ps.Exceptions.IndexOf(open)] = closed;
        Record(LifecycleEventTypes.ExceptionResolved, new JsonObject { ["exceptionId"] = open.ExceptionId, ["kind"] = open.Kind, ["resolution"] = resolution, ["reason"] = reason });
    }

    private Task RaiseUnexpectedAsync(string description) =>
        RaiseAsync(ExceptionKinds.UnexpectedFulfillmentEvent, description, [Resolutions.Override], "Check with the location what happened; override (with a reason) once handled.", null);

    private async Task ResolveAsync(LifecycleMessage message)
    {
        var resolution = message.Resolution;
        if (CheckResolution(_ps, message.ExceptionId ?? string.Empty, resolution, message.Reason) is { } refused)
        {
            Note = refused.Problem;
            return;
        }

        var open = _ps.Exceptions.First(e => e.ExceptionId == message.ExceptionId);
        if (!open.IsOpen)
        {
            Note = $"Already resolved ({open.Resolution}).";
            return;
        }

        await CloseAsync(open, resolution!, message.Actor, message.Reason);
        switch (resolution)
        {
            case Resolutions.Cancel:
                await CancelAsync(message.Reason ?? $"cancelled by {message.Actor}", requestedByChannel: false,
                    reject: open.Kind is ExceptionKinds.ValidationFailed or ExceptionKinds.ReviewRequired || _ps.State == LifecycleStates.OnHold);
                break;
            case Resolutions.Override:
                await OverrideAsync(open, message);
                break;
            default:
                await RetryAsync(open);
                break; // validation, stock, release: unblocked, Drive runs the step again
        }
    }

    private async Task OverrideAsync(LifecycleException open, LifecycleMessage message)
    {
        switch (open.Kind)
        {
            case ExceptionKinds.ValidationFailed:
                _ps.Overrides.Add("validation");
                break;
            case ExceptionKinds.ReviewRequired:
            case ExceptionKinds.TimerExpired when _ps.State == LifecycleStates.OnHold:
                await ApproveAsync(message);
                break;
            case ExceptionKinds.ChannelNotificationFailed:
            case ExceptionKinds.TimerExpired when ContextValue(open, "timerKind") == TimerKinds.ChannelRecheck:
                MarkNotificationsDone();
                break;
            case ExceptionKinds.CompensationFailed when ContextValue(open, "location") is { } location:
                _ps.Owed.RemoveAll(o => o.Kind == OwedCompensation.CancelAtLocation && o.LocationId == location);
                await ResumeAfterCompensationAsync(open);
                break;
            case ExceptionKinds.OrderChanged when ContextValue(open, "currentLines") is { } lines:
                _ps.Overrides.Add("lines:" + lines);
                break;
        }
    }

    private async Task RetryAsync(LifecycleException open)
    {
        switch (open.Kind)
        {
            case ExceptionKinds.ChannelNotificationFailed:
                await NotifyOutstandingAsync();
                break;
            case ExceptionKinds.CompensationFailed:
                await ResumeAfterCompensationAsync(open);
                break;
            case ExceptionKinds.TimerExpired when ContextValue(open, "timerKind") is { } kind:
                await RetryTimerStepAsync(new PendingTimer(string.Empty, kind, _now, ContextValue(open, "location")));
                break;
            case ExceptionKinds.OrderChanged:
                await ReplanAsync("the channel changed the order's lines");
                break;
            case ExceptionKinds.ReleaseFailed when LifecycleStates.HasShipped(_ps.State):
                // Goods left elsewhere, so the order was not unwound: send the release again where it is missing.
                if (await ReleaseOutstandingAsync())
                {
                    ArmReleaseTimers();
                }

                break;
        }
    }

    private async Task ApproveAsync(LifecycleMessage message)
    {
        _ps.Overrides.Add("review");
        foreach (var timer in _ps.Timers.Where(t => t.Kind == TimerKinds.ReviewHold).ToList())
        {
            Disarm(timer);
        }

        foreach (var open in _ps.OpenExceptions.Where(e => e.Kind is ExceptionKinds.ReviewRequired or ExceptionKinds.TimerExpired).ToList())
        {
            await CloseAsync(open, "superseded", message.Actor, "approved");
        }

        if (_ps.State == LifecycleStates.OnHold)
        {
            Move(LifecycleTriggers.Approve, LifecycleStates.Validated, new JsonObject { ["reason"] = message.Reason });
        }
    }

    private static string? ContextValue(LifecycleException exception, string name) =>
        exception.Context is null ? null : JsonNode.Parse(exception.Context)?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
