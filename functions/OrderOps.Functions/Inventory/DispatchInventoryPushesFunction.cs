using OrderOps.Core.Inventory.FanOut;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Timer-triggered every second: pushes whatever came due since the change feed last ran — the end of a
/// coalescing window, a retry after backoff or Retry-After, a parked push whose wait is over.
/// </summary>
public sealed class DispatchInventoryPushesFunction(InventoryPushDispatch dispatch) : IFunctionHandler
{
    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var handled = await dispatch.DispatchDueAsync(TimeSpan.FromSeconds(20), cancellationToken);
        return new FunctionResult { ReturnValue = handled };
    }
}

/// <summary>Timer-triggered every 15 minutes: recomputes every SKU so channels converge even if a change was missed.</summary>
public sealed class ReconcileInventoryFunction(InventoryFanOutPlanner planner) : IFunctionHandler
{
    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var skus = await planner.ReconcileAllAsync(cancellationToken);
        context.Log($"Reconciled {skus} SKUs.");
        return new FunctionResult { ReturnValue = skus };
    }
}
