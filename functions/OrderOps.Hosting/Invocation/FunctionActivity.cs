using System.Diagnostics;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Hosting.Invocation;

/// <summary>
/// A span per function invocation in standalone mode (under the Functions host the worker makes its own), named by the
/// function, with the order id as an attribute when the invocation names one. Never a payload or personal data.
/// </summary>
public static class FunctionActivity
{
    public const string SourceName = "OrderOps.Functions";
    public const string OrderIdAttribute = "orderops.order_id";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(FunctionDescriptor function, IReadOnlyDictionary<string, string?> namedValues)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(namedValues);
        var activity = Source.StartActivity(function.Name, function.Kind == TriggerKind.Http ? ActivityKind.Internal : ActivityKind.Consumer);
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

        return activity;
    }
}
