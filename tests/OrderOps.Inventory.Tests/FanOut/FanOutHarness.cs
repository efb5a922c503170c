using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Keys;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>
/// Ledger + outbox on a temp SQLite file, the channel-sync orchestrations on the in-process Durable test host, and
/// channels to watch. Every ledger change is fanned out as the app does it: a planner follows the change log (the app's
/// <c>InventoryFanOut</c> function gets the same SKUs from the inventory-changes queue) and signals the accounts.
/// </summary>
public sealed class FanOutHarness : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private readonly InventorySignals _ledgerSignals = new();
    private readonly CancellationTokenSource _stop = new();
    private DurableTaskTestHost? _host;
    private Task? _fanOut;

    public FanOutHarness(InventoryOptions options, params IChannelInventoryPublisher[] publishers)
    {
        Options = options;
        Publishers = publishers;
        Ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System, _ledgerSignals);
        Publications = new SqliteInventoryPublicationStore(_database.Database);
        Checkpoints = new SqliteCheckpointStore(_database.Database, TimeProvider.System);
        Planner = NewPlanner();
        Accounts = new ChannelAccounts(publishers, options);
        Signaller = new ChannelSyncSignaller(Accounts, options, TimeProvider.System, NullLogger<ChannelSyncSignaller>.Instance);
    }

    public InventoryOptions Options { get; }

    public IReadOnlyList<IChannelInventoryPublisher> Publishers { get; }

    public IInventoryLedger Ledger { get; }

    public IInventoryPublicationStore Publications { get; }

    public ICheckpointStore Checkpoints { get; }

    public InventoryFanOutPlanner Planner { get; }

    public ChannelAccounts Accounts { get; }

    public ChannelSyncSignaller Signaller { get; }

    public DurableTaskTestHost Host => _host ?? throw new InvalidOperationException("StartAsync first.");

    public static InventoryOptions DefaultOptions(params string[] channels)
    {
        var options = new InventoryOptions
        {
            Locations = ["east", "west", "store"],
            FanOut = new InventoryFanOutOptions
            {
                CoalesceWindow = TimeSpan.FromMilliseconds(200),
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
                AttemptsBeforeParking = 3,
                ParkedRetryInterval = TimeSpan.FromMilliseconds(400),
                IdleRecheckInterval = TimeSpan.FromSeconds(30),
            },
        };
        foreach (var channel in channels)
        {
            options.Channels[channel] = new ChannelInventoryOptions { Locations = ["east", "west"] };
        }

        return options;
    }

    /// <summary>Starts the Durable test host with the channel-sync orchestrator and activities, and the fan-out.</summary>
    public async Task StartAsync()
    {
        var activities = new ChannelSyncActivities(Accounts, Publications, Options, TimeProvider.System, NullLogger<ChannelSyncActivities>.Instance);
        _host = await StartTestHostAsync(activities);
        _fanOut = Task.Run(FanOutAsync);
    }

    /// <summary>
    /// The test host picks a free port and then binds it; a test class starting in parallel can take it in between,
    /// so a clash is retried (as the lifecycle harness does).
    /// </summary>
    private static async Task<DurableTaskTestHost> StartTestHostAsync(ChannelSyncActivities activities)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(registry => registry.AddChannelSync(activities));
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }
    }

    /// <summary>A second planner on the same store: what another instance of the app would run.</summary>
    public InventoryFanOutPlanner NewPlanner() =>
        new(Ledger, Publications, Checkpoints, Options, TimeProvider.System, NullLogger<InventoryFanOutPlanner>.Instance);

    public Task ReceiveAsync(string sku, string location, int quantity) =>
        Ledger.RecordMovementAsync(new StockMovement { MovementId = Guid.NewGuid().ToString("N"), Sku = sku, Location = location, Type = MovementType.Receipt, Quantity = quantity }, CancellationToken.None);

    private async Task FanOutAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var plan = await Planner.RunOnceAsync(_stop.Token);
                await Signaller.SignalAsync(Host.Client, plan, _stop.Token);
                if (plan.Consumed == 0)
                {
                    await _ledgerSignals.WaitForLedgerChangeAsync(TimeSpan.FromMilliseconds(50), _stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>What each channel should show for <paramref name="sku"/> right now, computed from the ledger.</summary>
    public async Task<int> TruthAsync(string channel, string sku)
    {
        var balances = await Ledger.GetBalancesAsync([sku], CancellationToken.None);
        return AvailableToSellCalculator.Compute(channel, sku, Options.Channels[channel], balances).Quantity;
    }

    /// <summary>Polls until every channel shows the truth for every SKU and nothing is pending, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilConvergedAsync(IReadOnlyCollection<string> skus, Func<string, string, int?> shown, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var mismatches = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            mismatches.Clear();
            foreach (var channel in Options.Channels.Keys)
            {
                foreach (var sku in skus)
                {
                    var truth = await TruthAsync(channel, sku);
                    if (shown(channel, sku) != truth)
                    {
                        mismatches.Add($"{channel}/{sku}: shows {shown(channel, sku)?.ToString() ?? "nothing"}, truth {truth}");
                    }
                }

                if ((await Publications.ListPendingAsync(channel, parkedOnly: false, 10, CancellationToken.None)).Count > 0)
                {
                    mismatches.Add($"{channel}: pushes still pending");
                }
            }

            if (mismatches.Count == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Did not converge within {timeout}: {string.Join("; ", mismatches.Take(10))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_fanOut is not null)
        {
            await _fanOut;
        }

        _stop.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Planner.Dispose();
        _database.Dispose();
    }
}
