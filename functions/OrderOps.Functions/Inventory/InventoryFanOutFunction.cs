using System.Text.Json;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Change-feed triggered: Data.documents is a JSON array of changed balance documents, each with a <c>sku</c> (the
/// Cosmos DB change feed on Azure, the embedded change log in standalone mode). Recomputes those SKUs per
/// channel, schedules the pushes that differ, and pushes what is due at once (the leading edge of a burst);
/// <see cref="DispatchInventoryPushesFunction"/> pushes the rest (window ends, retries, parked pushes).
/// Throwing makes the host redeliver the batch; planning is an upsert, so that is harmless.
/// </summary>
public sealed class InventoryFanOutFunction(InventoryFanOutPlanner planner, InventoryPushDispatch dispatch) : IFunctionHandler
{
    /// <summary>How long one invocation may spend pushing before it hands over to the timer.</summary>
    public static readonly TimeSpan PushBudget = TimeSpan.FromSeconds(2);

    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var documents = context.TriggerValue;
        if (documents.ValueKind == JsonValueKind.String)
        {
            documents = JsonDocument.Parse(documents.GetString()!).RootElement;
        }

        if (documents.ValueKind != JsonValueKind.Array)
        {
            throw new FunctionInputException("Data.documents must be a JSON array of changed documents.");
        }

        var skus = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents.EnumerateArray())
        {
            if (document.TryGetProperty("sku", out var sku) && sku.ValueKind == JsonValueKind.String)
            {
                skus.Add(sku.GetString()!);
            }
        }

        var scheduled = await planner.PlanSkusAsync(skus, cancellationToken);
        var pushed = scheduled > 0 ? await dispatch.DispatchDueAsync(PushBudget, cancellationToken) : 0;
        context.Log($"{documents.GetArrayLength()} changes, {skus.Count} SKUs, {scheduled} pushes scheduled, {pushed} handled.");
        return new FunctionResult { ReturnValue = scheduled };
    }
}
