using Microsoft.Extensions.Logging;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// Runs the fan-out continuously (standalone mode, or a long-lived function instance): one planner loop that
/// follows the ledger's change log, and one dispatcher loop per configured channel publisher. Loops wake on
/// in-process signals and otherwise poll, so they work across processes too, only slower.
/// </summary>
public sealed class InventoryFanOutEngine(
    InventoryFanOutPlanner planner,
    IEnumerable<IChannelInventoryPublisher> publishers,
    IInventoryPublicationStore publications,
    InventoryOptions options,
    InventorySignals signals,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<InventoryFanOutEngine>();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var dispatchers = publishers
            .Where(p => options.Channels.TryGetValue(p.Channel, out var channel) && channel.Enabled)
            .Select(p => new ChannelPushDispatcher(p, publications, options, time, loggerFactory.CreateLogger($"{typeof(ChannelPushDispatcher).FullName}.{p.Channel}")))
            .ToList();
        try
        {
            await Task.WhenAll(dispatchers.Select(d => DispatchLoopAsync(d, cancellationToken)).Prepend(PlanLoopAsync(cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var dispatcher in dispatchers)
            {
                await dispatcher.DisposeAsync();
            }
        }
    }

    private async Task PlanLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int planned;
            try
            {
                planned = await planner.RunOnceAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.LogError(exception, "Inventory fan-out planning failed; retrying");
                planned = 0;
            }

            if (planned == 0)
            {
                await signals.WaitForLedgerChangeAsync(options.FanOut.IdlePollInterval, cancellationToken);
            }
        }
    }

    private async Task DispatchLoopAsync(ChannelPushDispatcher dispatcher, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int handled;
            try
            {
                handled = await dispatcher.DispatchOnceAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.LogError(exception, "Inventory push dispatch to {Channel} failed; retrying", dispatcher.Channel);
                handled = 0;
            }

            if (handled > 0)
            {
                continue;
            }

            var wait = options.FanOut.IdlePollInterval;
            if (await publications.NextDueAsync(dispatcher.Channel, cancellationToken) is { } next)
            {
                var untilDue = next - time.GetUtcNow();
                wait = untilDue <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : untilDue < wait ? untilDue : wait;
            }

            await signals.WaitForPushesAsync(dispatcher.Channel, wait, cancellationToken);
        }
    }
}
