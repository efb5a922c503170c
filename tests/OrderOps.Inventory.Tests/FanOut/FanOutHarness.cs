using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Storage.Embedded.Keys;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>Ledger + outbox on a temp SQLite file, the fan-out engine running in the background, and channels to watch.</summary>
public sealed class FanOutHarness : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public FanOutHarness(InventoryOptions options, params IChannelInventoryPublisher[] publishers)
    {
        Options = options;
        Publishers = publishers;
        Ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System, Signals);
        Publications = new SqliteInventoryPublicationStore(_database.Database);
        Checkpoints = new SqliteCheckpointStore(_database.Database, TimeProvider.System);
        Planner = new InventoryFanOutPlanner(Ledger, Publications, Checkpoints, options, Signals, TimeProvider.System, NullLogger<InventoryFanOutPlanner>.Instance);
    }

    public InventoryOptions Options { get; }

    public IReadOnlyList<IChannelInventoryPublisher> Publishers { get; }

    public InventorySignals Signals { get; } = new();

    public IInventoryLedger Ledger { get; }

    public IInventoryPublicationStore Publications { get; }

    public ICheckpointStore Checkpoints { get; }

    public InventoryFanOutPlanner Planner { get; }

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
                IdlePollInterval = TimeSpan.FromMilliseconds(50),
            },
        };
        foreach (var channel in channels)
        {
            options.Channels[channel] = new ChannelInventoryOptions { Locations = ["east", "west"] };
        }

        return options;
    }

    public void Start()
    {
        var engine = new InventoryFanOutEngine(Planner, Publishers, Publications, Options, Signals, TimeProvider.System, NullLoggerFactory.Instance);
        _running = Task.Run(() => engine.RunAsync(_stop.Token));
    }

    public Task ReceiveAsync(string sku, string location, int quantity) =>
        Ledger.RecordMovementAsync(new StockMovement { MovementId = Guid.NewGuid().ToString("N"), Sku = sku, Location = location, Type = MovementType.Receipt, Quantity = quantity }, CancellationToken.None);

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
        if (_running is not null)
        {
            await _running;
        }

        _stop.Dispose();
        _database.Dispose();
    }
}
