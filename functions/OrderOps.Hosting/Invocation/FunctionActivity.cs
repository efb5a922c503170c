using System.Diagnostics;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Invocation;

/// <summary>
/// A span per function invocation in standalone mode (under the Functions host the worker makes its own), named by the
/// function, with the order id as an attribute when the invocation names one (a route's <c>orderId</c>, or an order's
/// lifecycle instance <c>order:{id}</c>). Never a payload or personal data. A queue-triggered invocation continues the
/// sender's trace (<see cref="OrderOps.Core.Ports.QueueTraceContext"/>); an activity runs under the durable runtime's
/// span of that activity, which continues the orchestration's trace.
/// </summary>
public static class FunctionActivity
{
    public const string SourceName = "OrderOps.Functions";
    public const string OrderIdAttribute = "orderops.order_id";

    /// <summary>The named value that carries an orchestration instance id into an activity's invocation.</summary>
    public const string InstanceIdValue = "instanceId";

    public static readonly ActivitySource Source = new(SourceName);

    /// <param name="parent">The remote parent (a queue message's sender); default for the current activity.</param>
    /// <param name="links">Other spans this one belongs with (the Functions host's invocation span).</param>
    public static Activity? Start(FunctionDescriptor function, IReadOnlyDictionary<string, string?> namedValues, ActivityContext parent = default, IEnumerable<ActivityLink>? links = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(namedValues);
        var activity = Source.StartActivity(function.Name, function.Kind == TriggerKind.Http ? ActivityKind.Internal : ActivityKind.Consumer, parent, tags: null, links);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("faas.name", function.Name);
        activity.SetTag("faas.trigger", function.Kind switch
        {
            TriggerKind.Http => "http",
            TriggerKind.Timer => "timer",
            TriggerKind.Queue => "pubsub",
            _ => "datasource",
        });
        if (namedValues.TryGetValue("orderId", out var orderId) && !string.IsNullOrEmpty(orderId))
        {
            activity.SetTag(OrderIdAttribute, orderId);
        }
        else if (namedValues.TryGetValue(InstanceIdValue, out var instanceId)
            && instanceId?.StartsWith(OrderLifecycleNames.InstancePrefix, StringComparison.Ordinal) == true)
        {
            activity.SetTag(OrderIdAttribute, instanceId[OrderLifecycleNames.InstancePrefix.Length..]);
        }

        return activity;
    }
}
