using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Testing.Storage;
using OrderOps.Storage.Embedded.Lifecycle;
using OrderOps.Storage.Embedded.Messaging;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Lifecycle.Tests;

/// <summary>The lifecycle engine on a fresh embedded SQLite file, a fake clock, fake locations and a fake channel.</summary>
public sealed class LifecycleHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-lifecycle-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private int _keys;

    public LifecycleHarness(Action<LifecycleOptions>? configure = null)
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        Orders = new SqliteOrderStore(_database, Time);
        Ledger = new SqliteInventoryLedger(_database, Time);
        Stock = new LedgerStockAllocator(Ledger);
        Timers = new SqliteTimerStore(_database);
        Exceptions = new SqliteLifecycleExceptionStore(_database);
        Queue = new SqliteMessageQueue(_database, Time, new QueueRetryPolicy(), new QueueSignal());
        configure?.Invoke(Options);
        Engine = new LifecycleEngine(Orders, Stock, Locations, [Channel, UnwiredAcceptanceChannel], Timers, Exceptions, new MinimalShipmentsRoutingPolicy(), Options, Time);
        Sweeper = new TimerSweeper(Timers, Queue, Time);
    }

    /// <summary>
    /// Channel "edi" as a channel whose acceptance message is not wired: the engine's behaviour for any such seam. (The
    /// real EDI notifier lives in the EDI adapter and is tested there and in the Function app's tests.)
    /// </summary>
    public static UnwiredChannel UnwiredAcceptanceChannel { get; } = new(
        "edi",
        needsAcceptance: true,
        acceptanceSeam: "The acceptance message is not wired in this harness.",
        shipmentSeam: "The shipment message is not wired in this harness.",
        cancellationSeam: "The cancellation message is not wired in this harness.");

    public FakeTimeProvider Time { get; } = new(Start);

    public LifecycleOptions Options { get; } = new();

    public SqliteOrderStore Orders { get; }

    public SqliteInventoryLedger Ledger { get; }

    public LedgerStockAllocator Stock { get; }

    public SqliteTimerStore Timers { get; }

    public SqliteLifecycleExceptionStore Exceptions { get; }

    public SqliteMessageQueue Queue { get; }

    public FakeLocations Locations { get; } = new();

    public FakeChannel Channel { get; } = new();

    public LifecycleEngine Engine { get; }

    public TimerSweeper Sweeper { get; }

    public static CanonicalOrder Order(string id, params (string LineId, string Sku, int Quantity)[] lines) => new()
    {
        OrderId = OrderId.Compose(Channels.Shopify, "example.myshopify.com", id),
        Channel = Channels.Shopify,
        ChannelAccount = "example.myshopify.com",
        ChannelOrderId = id,
        PlacedAt = Start,
        UpdatedAt = Start,
        Currency = "USD",
        ShippingAddress = new Address { Name = "Ada", Line1 = "1 Main St", City = "Springfield", Region = "KY", PostalCode = "40001", CountryCode = "US" },
        LineItems = (lines.Length == 0 ? [("1", "A", 1)] : lines).Select(l => new LineItem { LineId = l.LineId, Sku = l.Sku, Title = l.Sku, Quantity = l.Quantity, UnitPrice = new Money(10m, "USD") }).ToList(),
        Totals = new OrderTotals { Total = new Money(10m * (lines.Length == 0 ? 1 : lines.Sum(l => l.Quantity)), "USD") },
    };

    public Task SeedAsync(string location, string sku, int onHand) => Ledger.SetOnHandAsync(location, sku, onHand);

    /// <summary>Stores the order as ingest would and starts its lifecycle.</summary>
    public async Task<LifecycleOutcome> PlaceAsync(CanonicalOrder order)
    {
        await StoreAsync(order);
        return await SendAsync(StartMessage(order.OrderId));
    }

    public Task<LifecycleOutcome> SendAsync(LifecycleMessage message) => Engine.HandleAsync(message, default);

    /// <summary>A second engine on the same stores with another stock port (to inject a crash or a concurrent step).</summary>
    public LifecycleEngine EngineWith(IStockAllocator stock) =>
        new(Orders, stock, Locations, [Channel, UnwiredAcceptanceChannel], Timers, Exceptions, new MinimalShipmentsRoutingPolicy(), Options, Time);

    /// <summary>Stores the order as ingest would, without starting its lifecycle.</summary>
    public Task StoreAsync(CanonicalOrder order) => Orders.SaveAsync(new OrderRecord { Order = order, Status = OrderStatuses.Received }, null,
        [new OrderEvent { Type = OrderEventTypes.Received, At = Time.GetUtcNow(), Actor = "channel:shopify" }], default);

    public static LifecycleMessage StartMessage(string orderId) =>
        new() { Type = LifecycleMessageTypes.Start, OrderId = orderId, Key = "start:" + orderId, Actor = "channel:shopify" };

    public Task<LifecycleOutcome> ShipAsync(string orderId, string location, string shipmentId, params (string LineId, int Quantity)[] lines) => SendAsync(new LifecycleMessage
    {
        Type = LifecycleMessageTypes.Shipped,
        OrderId = orderId,
        Key = $"ship:{location}:{shipmentId}",
        Actor = "location:" + location,
        LocationId = location,
        Shipment = new FulfillmentShipment(shipmentId, "UPS", "1Z" + shipmentId, null, lines.Select(l => new FulfillmentShipmentLine(l.LineId, null, l.Quantity)).ToList()),
    });

    public Task<LifecycleOutcome> FulfillmentEventAsync(string type, string orderId, string location) => SendAsync(new LifecycleMessage
    {
        Type = type, OrderId = orderId, Key = $"{type}:{location}:{Interlocked.Increment(ref _keys)}", Actor = "location:" + location, LocationId = location,
    });

    public Task<LifecycleOutcome> CancelAsync(string orderId, string actor = "operator:ann") => SendAsync(new LifecycleMessage
    {
        Type = LifecycleMessageTypes.Cancel, OrderId = orderId, Key = $"cancel:{Interlocked.Increment(ref _keys)}", Actor = actor, Reason = "customer asked",
    });

    public async Task<LifecycleOutcome> ResolveAsync(string orderId, string kind, string resolution, string? reason = "checked")
    {
        var exception = (await StateAsync(orderId)).OpenExceptions.Single(e => e.Kind == kind);
        return await SendAsync(new LifecycleMessage
        {
            Type = LifecycleMessageTypes.Resolve, OrderId = orderId, Key = $"resolve:{exception.ExceptionId}:{resolution}", Actor = "operator:ann",
            ExceptionId = exception.ExceptionId, Resolution = resolution, Reason = reason,
        });
    }

    /// <summary>Runs the sweep, then delivers what it queued to the engine (as the Lifecycle function would).</summary>
    public async Task<int> FireDueTimersAsync()
    {
        var swept = await Sweeper.SweepAsync(default);
        while (true)
        {
            var batch = await Queue.ReceiveAsync(QueueNames.Lifecycle, 50, TimeSpan.FromMinutes(5), default);
            if (batch.Count == 0)
            {
                return swept;
            }

            foreach (var received in batch)
            {
                await Engine.HandleAsync(OrderOpsJson.Deserialize<LifecycleMessage>(received.Body), default);
                await Queue.CompleteAsync(received, default);
            }
        }
    }

    public async Task<ProcessState> StateAsync(string orderId) => ProcessState.Parse((await Orders.GetAsync(orderId, default))!.ProcessState);

    public async Task<OrderRecord> RecordAsync(string orderId) => (await Orders.GetAsync(orderId, default))!;

    public async Task<IReadOnlyList<OrderEvent>> EventsAsync(string orderId) => await Orders.GetEventsAsync(orderId, default);

    public async Task<List<string>> TransitionsAsync(string orderId) =>
        (await EventsAsync(orderId)).Where(e => e.Type == LifecycleEventTypes.Transition)
            .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Data!)!["to"]!.GetValue<string>()).ToList();

    public async Task<int> ReservedAsync(string location, string sku) =>
        (await Ledger.GetStockAsync()).Where(s => s.LocationId == location && s.Sku == sku).Sum(s => s.Reserved);

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Locations that answer as told and remember every call.</summary>
public sealed class FakeLocations : IFulfillmentLocation
{
    public ConcurrentQueue<(string Call, string Location, string OrderId)> Calls { get; } = new();

    public ConcurrentDictionary<string, FulfillmentCallStatus> ReleaseAnswer { get; } = new();

    public ConcurrentDictionary<string, FulfillmentCallStatus> CancelAnswer { get; } = new();

    /// <summary>Locations the ledger may hold stock at but no fulfillment adapter serves.</summary>
    public ConcurrentBag<string> Unknown { get; } = [];

    public bool IsKnown(string locationId) => !Unknown.Contains(locationId);

    public Task<FulfillmentCallResult> ReleaseAsync(FulfillmentRelease release, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("release", release.LocationId, release.OrderId));
        return Task.FromResult(new FulfillmentCallResult(ReleaseAnswer.GetValueOrDefault(release.LocationId, FulfillmentCallStatus.Accepted), "fake"));
    }

    public Task<FulfillmentCallResult> CancelAsync(string locationId, string orderId, string reason, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("cancel", locationId, orderId));
        return Task.FromResult(new FulfillmentCallResult(CancelAnswer.GetValueOrDefault(locationId, FulfillmentCallStatus.Accepted), "fake"));
    }

    public int Count(string call, string location) => Calls.Count(c => c.Call == call && c.Location == location);
}

/// <summary>A Shopify-like channel that records what it was told and can be made to fail.</summary>
public sealed class FakeChannel : IChannelNotifier
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public bool Fail { get; set; }

    /// <summary>Answers Pending (taken, not confirmed yet) this many times before Done.</summary>
    public int PendingAnswers { get; set; }

    public string Channel => Channels.Shopify;

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken) => Task.FromResult(ChannelNotifyResult.NotApplicable);

    public Task<ChannelNotifyResult> ConfirmShipmentAsync(CanonicalOrder order, ShipmentNotice shipment, CancellationToken cancellationToken) =>
        Answer($"shipment:{order.OrderId}:{shipment.ShipmentId}:{shipment.TrackingNumber}");

    public Task<ChannelNotifyResult> AcknowledgeCancellationAsync(CanonicalOrder order, string reason, bool requestedByChannel, CancellationToken cancellationToken) =>
        Answer($"cancellation:{order.OrderId}:{(requestedByChannel ? "channel" : "operator")}");

    private Task<ChannelNotifyResult> Answer(string call)
    {
        if (Fail)
        {
            return Task.FromResult(ChannelNotifyResult.Failed("channel down"));
        }

        Calls.Enqueue(call);
        if (PendingAnswers > 0)
        {
            PendingAnswers--;
            return Task.FromResult(ChannelNotifyResult.Pending("still processing"));
        }

        return Task.FromResult(ChannelNotifyResult.Done);
    }
}
