using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// When stock arrives for some SKUs, the orders waiting in <c>insufficient-stock</c> for any of them are asked to
/// allocate again, oldest first and one at a time (each waits for the previous one's outcome), so the stock goes to
/// the orders that have waited longest. An order that is still short stays in its exception; one that allocated
/// has it closed by <c>system:stock-arrived</c>.
/// </summary>
public sealed class StockArrivalRetry(ILifecycleExceptionStore exceptions)
{
    /// <summary>How many waiting orders one arrival retries; the rest are retried by the next arrival or by an operator.</summary>
    public const int MaxOrdersPerArrival = 50;

    /// <summary>How many open exceptions are read to find the waiting orders.</summary>
    public const int ScanLimit = 1000;

    public static readonly TimeSpan OutcomeWait = TimeSpan.FromSeconds(5);

    /// <returns>How many waiting orders were asked to allocate again.</returns>
    public async Task<int> RetryAsync(DurableTaskClient client, IReadOnlyCollection<string> skus, string cause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(skus);
        var open = await exceptions.ListAsync(openOnly: true, channel: null, ScanLimit, cancellationToken);
        var waiting = open
            .Where(e => e.Kind == ExceptionKinds.InsufficientStock && Shortages(e).Overlaps(skus))
            .OrderBy(e => e.RaisedAt).ThenBy(e => e.ExceptionId, StringComparer.Ordinal)
            .Take(MaxOrdersPerArrival)
            .ToList();
        foreach (var exception in waiting)
        {
            var message = new LifecycleMessage
            {
                Type = LifecycleMessageTypes.StockArrived,
                OrderId = exception.OrderId,
                Key = string.Create(CultureInfo.InvariantCulture, $"stock-arrived:{exception.ExceptionId}:{cause}"),
                Actor = "system:stock-arrived",
                Cause = cause,
            };
            await client.SignalAndWaitAsync(message, OutcomeWait, cancellationToken);
        }

        return waiting.Count;
    }

    private static HashSet<string> Shortages(LifecycleException exception) =>
        exception.Context is { } context && JsonNode.Parse(context)?["shortages"] is JsonArray shortages
            ? shortages.Select(s => s?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
}
