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
/// channels to watch. <see cref="ReceiveAsync"/> does what the app does on a commit: the <c>InventoryFanOut</c>
/// function plans the SKU and signals the accounts' orchestrations.
/// </summary>
public sealed class FanOutHarness : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private DurableTaskTestHost? _host;

    public FanOutHarness(InventoryOptions options, params IChannelInventoryPublisher[] publishers)
    {
        Options = options;
        Publishers = publishers;
        Ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System);
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

    /// <summary>Starts the Durable test host with the channel-sync orchestrator and activities registered.</summary>
    public async Task StartAsync()
    {
        var activities = new ChannelSyncActivities(Accounts, Publications, Options, TimeProvider.System, NullLogger<ChannelSyncActivities>.Instance);
        _host = await DurableTaskTestHost.StartAsync(registry => registry.AddChannelSync(activities));
    }

    /// <summary>A second planner on the same store: what another instance of the app would run.</summary>
    public InventoryFanOutPlanner NewPlanner() =>
        new(Ledger, Publications, Checkpoints, Options, TimeProvider.System, NullLogger<InventoryFanOutPlanner>.Instance);

    /// <summary>Records a receipt, then fans it out as the <c>InventoryFanOut</c> function does.</summary>
    public async Task ReceiveAsync(string sku, string location, int quantity, InventoryFanOutPlanner? planner = null, ChannelSyncSignaller? signaller = null)
    {
        await Ledger.RecordMovementAsync(new StockMovement { MovementId = Guid.NewGuid().ToString("N"), Sku = sku, Location = location, Type = MovementType.Receipt, Quantity = quantity }, CancellationToken.None);
        var plan = await (planner ?? Planner).PlanSkusAsync([sku], CancellationToken.None);
        await (signaller ?? Signaller).SignalAsync(Host.Client, plan, CancellationToken.None);
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
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Planner.Dispose();
        _database.Dispose();
    }
}
