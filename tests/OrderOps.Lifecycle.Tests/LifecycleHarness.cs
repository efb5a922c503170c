using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderOps.Durable;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Testing.Lifecycle;
using OrderOps.Testing.Storage;
using OrderOps.Storage.Embedded.Lifecycle;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// The order lifecycle orchestration in Microsoft.DurableTask.InProcessTestHost, over a fresh embedded SQLite file
/// (orders, ledger, exception queue), fake locations and a fake channel. Messages go in the way ingest and the API
/// send them (<see cref="OrderLifecycleClient.SignalAsync"/>), and each call waits for the orchestration to report
/// that message's outcome. Timers are real durable timers: a test that wants one to fire sets its duration short.
/// </summary>
public sealed class LifecycleHarness : IAsyncDisposable
{
    public static readonly TimeSpan OutcomeTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-lifecycle-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private DurableTaskTestHost? _testHost;
    private IHost? _runtime;
    private int _keys;

    private LifecycleHarness(Action<LifecycleOptions>? configure, Func<IStockAllocator, IStockAllocator>? stockSeam)
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        Orders = new SqliteOrderStore(_database, TimeProvider.System);
        Ledger = new SqliteInventoryLedger(_database, TimeProvider.System);
        Stock = new LedgerStockAllocator(Ledger);
        Exceptions = new SqliteLifecycleExceptionStore(_database);
        configure?.Invoke(Options);
        Activities = new LifecycleActivities(Orders, stockSeam?.Invoke(Stock) ?? Stock, Locations, [Channel, UnwiredAcceptanceChannel], Exceptions, new MinimalShipmentsRoutingPolicy(), Options);
    }

    /// <summary>When the harness was made: orders are placed now, so default ship-by windows lie ahead.</summary>
    public DateTimeOffset Start { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Channel "edi" as a channel whose acceptance message is not wired: the lifecycle's behaviour for any such seam. (The
    /// real EDI notifier lives in the EDI adapter and is tested there and in the Function app's tests.)
    /// </summary>
    public static UnwiredChannel UnwiredAcceptanceChannel { get; } = new(
        "edi",
        needsAcceptance: true,
        acceptanceSeam: "The acceptance message is not wired in this harness.",
        shipmentSeam: "The shipment message is not wired in this harness.",
        cancellationSeam: "The cancellation message is not wired in this harness.");

    public LifecycleOptions Options { get; } = new();

    public SqliteOrderStore Orders { get; }

    public SqliteInventoryLedger Ledger { get; }

    public LedgerStockAllocator Stock { get; }

    public SqliteLifecycleExceptionStore Exceptions { get; }

    public FakeLocations Locations { get; } = new();

    public FakeChannel Channel { get; } = new();

    public LifecycleActivities Activities { get; }

    public DurableTaskClient Client { get; private set; } = null!;

    /// <summary>
    /// Starts the orchestration on Microsoft.DurableTask.InProcessTestHost, or on the embedded runtime standalone mode
    /// uses (DurableTask.Core over SQLite, <see cref="LifecycleRuntime.EmbeddedSqlite"/>). <paramref name="loadSeam"/>
    /// rewrites what the load activity returns (to play histories an older load wrote). <paramref name="stockSeam"/>
    /// wraps the stock port the activities use (to inject a failure or a concurrent message at a given point).
    /// </summary>
    public static async Task<LifecycleHarness> StartAsync(
        Action<LifecycleOptions>? configure = null,
        LifecycleRuntime runtime = LifecycleRuntime.TestHost,
        Func<IStockAllocator, IStockAllocator>? stockSeam = null,
        Func<LifecycleLoadResult, LifecycleLoadResult>? loadSeam = null)
    {
        var harness = new LifecycleHarness(configure, stockSeam);
        if (runtime == LifecycleRuntime.TestHost)
        {
            harness._testHost = await StartTestHostAsync(harness.Activities, loadSeam);
            harness.Client = harness._testHost.Client;
        }
        else
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddOrderOpsDurable(
                options => options.Sqlite.DataDirectory = harness._directory,
                registry => registry.AddOrderLifecycle(harness.Activities, loadSeam));
            harness._runtime = builder.Build();
            await harness._runtime.StartAsync();
            harness.Client = harness._runtime.Services.GetRequiredService<DurableTaskClient>();
        }

        return harness;
    }

    /// <summary>
    /// The test host picks a free port and then binds it, so two hosts starting at once (test classes run in parallel)
    /// can pick the same one: the loser tries again.
    /// </summary>
    private static async Task<DurableTaskTestHost> StartTestHostAsync(LifecycleActivities activities, Func<LifecycleLoadResult, LifecycleLoadResult>? loadSeam)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(registry => registry.AddOrderLifecycle(activities, loadSeam));
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }
    }

    public CanonicalOrder Order(string id, params (string LineId, string Sku, int Quantity)[] lines) => Order(id, Start, lines);

    public static CanonicalOrder Order(string id, DateTimeOffset placedAt, params (string LineId, string Sku, int Quantity)[] lines) => new()
    {
        OrderId = OrderId.Compose(Channels.Shopify, "example.myshopify.com", id),
        Channel = Channels.Shopify,
        ChannelAccount = "example.myshopify.com",
        ChannelOrderId = id,
        PlacedAt = placedAt,
        UpdatedAt = placedAt,
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

    /// <summary>Signals the message and waits for the orchestration to report what it did.</summary>
    public async Task<LifecycleOutcome> SendAsync(LifecycleMessage message) =>
        await Client.SignalAndWaitAsync(message, OutcomeTimeout, default)
            ?? throw new TimeoutException($"The orchestration of {message.OrderId} did not report '{message.Key}' within {OutcomeTimeout}.");

    /// <summary>Waits for the outcome of the message with this key (a timer's key is <c>timer:{timerId}</c>).</summary>
    public async Task<LifecycleOutcome> OutcomeAsync(string orderId, string key) =>
        await Client.WaitForOutcomeAsync(orderId, key, 0, OutcomeTimeout, default)
            ?? throw new TimeoutException($"The orchestration of {orderId} did not report '{key}' within {OutcomeTimeout}.");

    /// <summary>
    /// Waits until a timer of this kind has fired and been applied: the <paramref name="occurrence"/>th armed for the
    /// order (1 = the first; it is waited for until armed), or by default the latest armed so far. Timers are found in
    /// the order's history rather than its pending timers, so a short timer that fired before this call is found too.
    /// </summary>
    public async Task<LifecycleOutcome> TimerFiredAsync(string orderId, string kind, int occurrence = 0)
    {
        var deadline = DateTimeOffset.UtcNow + OutcomeTimeout;
        while (true)
        {
            var armed = (await EventsAsync(orderId)).Where(e => e.Type == LifecycleEventTypes.TimerScheduled && Data(e)["kind"]?.GetValue<string>() == kind).ToList();
            var timer = occurrence > 0 ? armed.ElementAtOrDefault(occurrence - 1) : armed.LastOrDefault();
            if (timer is not null)
            {
                return await OutcomeAsync(orderId, "timer:" + Data(timer)["timerId"]!.GetValue<string>());
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{orderId} armed {armed.Count} {kind} timers, not {Math.Max(occurrence, 1)}, within {OutcomeTimeout}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>An event's data as JSON.</summary>
    public static System.Text.Json.Nodes.JsonNode Data(OrderEvent e) => System.Text.Json.Nodes.JsonNode.Parse(e.Data ?? "{}")!;

    /// <summary>Stores the order as ingest would, without starting its lifecycle.</summary>
    public Task StoreAsync(CanonicalOrder order) => Orders.SaveAsync(new OrderRecord { Order = order, Status = OrderStatuses.Received }, null,
        [new OrderEvent { Type = OrderEventTypes.Received, At = DateTimeOffset.UtcNow, Actor = "channel:shopify" }], default);

    /// <summary>Stores a new version of the order as ingest would for an update from the channel, and signals it.</summary>
    public async Task<LifecycleOutcome> UpdateFromChannelAsync(CanonicalOrder order)
    {
        await SaveOrderAsync(order);
        return await SendAsync(new LifecycleMessage
        {
            Type = LifecycleMessageTypes.ChannelUpdated, OrderId = order.OrderId, Key = $"update:{Interlocked.Increment(ref _keys)}", Actor = "channel:shopify",
        });
    }

    /// <summary>Stores a new version of the order as ingest does: over whatever the lifecycle saved meanwhile.</summary>
    public async Task SaveOrderAsync(CanonicalOrder order)
    {
        while (true)
        {
            var record = await RecordAsync(order.OrderId);
            try
            {
                await Orders.SaveAsync(record with { Order = order }, record.ETag, [new OrderEvent { Type = OrderEventTypes.Updated, At = DateTimeOffset.UtcNow, Actor = "channel:shopify" }], default);
                return;
            }
            catch (ConcurrencyConflictException)
            {
                // The orchestration saved a step (a timer fired) between the read and the write: read again.
            }
        }
    }

    public static LifecycleMessage StartMessage(string orderId) =>
        new() { Type = LifecycleMessageTypes.Start, OrderId = orderId, Key = "start:" + orderId, Actor = "channel:shopify" };

    public Task<LifecycleOutcome> ShipAsync(string orderId, string location, string shipmentId, params (string LineId, int Quantity)[] lines) => SendAsync(new LifecycleMessage
    {
        Type = LifecycleMessageTypes.Shipped,
        OrderId = orderId,
        Key = $"ship:{location}:{shipmentId}:{Interlocked.Increment(ref _keys)}",
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
            Type = LifecycleMessageTypes.Resolve, OrderId = orderId, Key = $"resolve:{exception.ExceptionId}:{resolution}:{Interlocked.Increment(ref _keys)}", Actor = "operator:ann",
            ExceptionId = exception.ExceptionId, Resolution = resolution, Reason = reason,
        });
    }

    public async Task<ProcessState> StateAsync(string orderId) => ProcessState.Parse((await Orders.GetAsync(orderId, default))!.ProcessState);

    public async Task<OrderRecord> RecordAsync(string orderId) => (await Orders.GetAsync(orderId, default))!;

    public async Task<IReadOnlyList<OrderEvent>> EventsAsync(string orderId) => await Orders.GetEventsAsync(orderId, default);

    public async Task<List<string>> TransitionsAsync(string orderId) =>
        (await EventsAsync(orderId)).Where(e => e.Type == LifecycleEventTypes.Transition)
            .Select(e => Data(e)["to"]!.GetValue<string>()).ToList();

    public async Task<int> ReservedAsync(string location, string sku) =>
        (await Ledger.GetStockAsync()).Where(s => s.LocationId == location && s.Sku == sku).Sum(s => s.Reserved);

    public async ValueTask DisposeAsync()
    {
        if (_testHost is not null)
        {
            await _testHost.DisposeAsync();
        }

        if (_runtime is not null)
        {
            await _runtime.StopAsync();
            _runtime.Dispose();
        }

        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Where a harness runs the orchestration.</summary>
public enum LifecycleRuntime
{
    TestHost,
    EmbeddedSqlite,
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

    /// <summary>Every idempotency key a location was sent (release:{attempt} / cancel:{attempt}).</summary>
    public ConcurrentQueue<string> Keys { get; } = new();

    /// <summary>How many of the next release calls throw (as a location adapter does once its own retries are spent).</summary>
    public int ReleaseThrows { get; set; }

    public Task<FulfillmentCallResult> ReleaseAsync(FulfillmentRelease release, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("release", release.LocationId, release.OrderId));
        Keys.Enqueue("release:" + release.AttemptId);
        if (ReleaseThrows > 0)
        {
            ReleaseThrows--;
            throw new HttpRequestException($"{release.LocationId} timed out (fake)");
        }

        return Task.FromResult(new FulfillmentCallResult(ReleaseAnswer.GetValueOrDefault(release.LocationId, FulfillmentCallStatus.Accepted), "fake"));
    }

    public Task<FulfillmentCallResult> CancelAsync(FulfillmentCancel cancel, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("cancel", cancel.LocationId, cancel.OrderId));
        Keys.Enqueue("cancel:" + cancel.AttemptId);
        return Task.FromResult(new FulfillmentCallResult(CancelAnswer.GetValueOrDefault(cancel.LocationId, FulfillmentCallStatus.Accepted), "fake"));
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

    /// <summary>Like Shopify, no acceptance message by default; true to see the acceptance asked for.</summary>
    public bool SendsAcceptance { get; set; }

    public Task<ChannelNotifyResult> AcknowledgeAcceptanceAsync(CanonicalOrder order, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"acceptance:{order.OrderId}");
        return Task.FromResult(ChannelNotifyResult.NotApplicable);
    }

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
