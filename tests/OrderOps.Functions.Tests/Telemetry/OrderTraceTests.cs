using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OrderOps.Core.Ports;
using OrderOps.Functions.Telemetry;
using OrderOps.Functions.Tests.Lifecycle;
using OrderOps.Hosting.Invocation;
using OrderOps.Testing;
using OrderOps.Testing.Storage;

namespace OrderOps.Functions.Tests.Telemetry;

/// <summary>
/// One trace follows an order from its webhook through the ingest queue into its lifecycle orchestration, on to its
/// release and, when the location reports it shipped, the shipment: the webhook's trace id is given by the test (a
/// <c>traceparent</c> header), so spans of apps running in parallel tests (the sources are process-wide) are told apart.
/// </summary>
public sealed class OrderTraceTests : IAsyncLifetime
{
    private readonly SpanLog _spans = new();
    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;
    private WebApplicationFactory<Program> _exporting = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        _app = new AppFactory(settings: _world.Settings("east"));
        _exporting = _app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans))));
        var stock = _exporting.Services.GetRequiredService<IInventoryLedger>();
        foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
        {
            await stock.SetOnHandAsync("east", sku, 5, default);
        }
    }

    public async Task DisposeAsync()
    {
        await _exporting.DisposeAsync();
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task The_webhook_the_ingest_consumer_and_the_lifecycle_activities_up_to_the_shipment_share_one_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var client = _exporting.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", AppFactory.ApiKey);
        using var delivery = ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret);
        delivery.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using (var accepted = await client.SendAsync(delivery))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        const string orderId = $"shopify:{ShopifyWebhooks.Shop}:450789469";
        var released = await _spans.WaitForAsync(traceId, FunctionActivity.SourceName, "OrderLifecycleReleaseToLocation");
        Assert.Equal(orderId, released.GetTagItem(FunctionActivity.OrderIdAttribute));

        // The shipment arrives in a request of its own (its own trace); the lifecycle handles it in the order's trace.
        using (var shipped = await client.PostAsJsonAsync("/api/fulfillment/events", LifecycleApiTests.Shipped(orderId, "east", "ship-1", "1Z999")))
        {
            Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        }

        var shipment = await _spans.WaitForAsync(traceId, FunctionActivity.SourceName, "OrderLifecycleRecordShipment");
        Assert.Equal(orderId, shipment.GetTagItem(FunctionActivity.OrderIdAttribute));

        var trace = _spans.Of(traceId);
        var webhook = Assert.Single(trace, s => s.Source.Name == FunctionActivity.SourceName && s.DisplayName == "ShopifyWebhook");
        var ingest = Assert.Single(trace, s => s.Source.Name == FunctionActivity.SourceName && s.DisplayName == "IngestOrder");
        Assert.Equal(ActivityKind.Consumer, ingest.Kind);
        Assert.Equal(webhook.SpanId, ingest.ParentSpanId); // the queue message carried the webhook's context


        // DurableTask.Core's own spans of the order's activities (scheduled and executed) are in the trace too; they hang
        // off the orchestration's span, which an eternal orchestration never ends, so it is never exported.
        Assert.Contains(trace, s => s.Source.Name == "DurableTask.Core" && s.DisplayName == "activity:OrderLifecycleReserve");
        Assert.Contains(trace, s => s.Source.Name == FunctionActivity.SourceName && s.DisplayName == "OrderLifecycleReserve" && Equals(orderId, s.GetTagItem(FunctionActivity.OrderIdAttribute)));

        // Nothing personal in any span of the order's trace.
        var tags = trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty).ToList();
        Assert.DoesNotContain(tags, v => v.Contains("bob.norman", StringComparison.OrdinalIgnoreCase) || v.Contains(AppFactory.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public void A_message_carries_its_senders_context_in_the_body_and_the_consumer_reads_it_back()
    {
        using var source = new ActivitySource("OrderTraceTests." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        QueueMessage message;
        ActivityContext sender;
        using (var sending = source.StartActivity("send"))
        {
            sending!.TraceStateString = "vendor=1";
            sender = sending.Context;
            message = new QueueMessage { MessageId = "m1", Body = """{"archiveId":"a/1"}""" };
        }

        var stored = QueueTraceContext.StoredBody(message);

        Assert.True(QueueTraceContext.TryExtract(stored, out var extracted));
        Assert.Equal(sender.TraceId, extracted.TraceId);
        Assert.Equal(sender.SpanId, extracted.SpanId);
        Assert.Equal("vendor=1", extracted.TraceState);
        Assert.True(extracted.IsRemote);
        Assert.Equal("a/1", JsonDocument.Parse(stored).RootElement.GetProperty("archiveId").GetString());

        // No context, or a body that is not a JSON object: stored as sent.
        Assert.Equal("""{"archiveId":"a/1"}""", QueueTraceContext.StoredBody(message with { TraceParent = null }));
        Assert.Equal("not json", QueueTraceContext.StoredBody(message with { Body = "not json" }));
        Assert.False(QueueTraceContext.TryExtract("""{"archiveId":"a/1"}""", out _));
        Assert.False(QueueTraceContext.TryExtract("""{"traceparent":"garbage"}""", out _));
    }

    [Fact]
    public void Under_the_Functions_host_a_queue_invocation_continues_the_senders_trace_linked_to_the_hosts_span()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FunctionActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var sender = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var host = new Activity("host invocation").SetIdFormat(ActivityIdFormat.W3C).Start();
        var body = QueueTraceContext.StoredBody(new QueueMessage { MessageId = "m", Body = """{"archiveId":"a"}""", TraceParent = $"00-{sender.TraceId}-{sender.SpanId}-01" });
        var bindingData = new Dictionary<string, object?> { ["QueueTrigger"] = body, ["DequeueCount"] = "1" };

        using (var consumer = QueueTraceMiddleware.Start("IngestOrder", bindingData, host))
        {
            Assert.NotNull(consumer);
            Assert.Equal(sender.TraceId, consumer.TraceId);
            Assert.Equal(sender.SpanId, consumer.ParentSpanId);
            Assert.Equal(ActivityKind.Consumer, consumer.Kind);
            Assert.Equal(host.Context, Assert.Single(consumer.Links).Context);
        }

        // Not a queue function, or a message without context: the host's span stays the function's span.
        Assert.Null(QueueTraceMiddleware.Start("GetOrder", bindingData, host));
        Assert.Null(QueueTraceMiddleware.Start("IngestOrder", new Dictionary<string, object?> { ["QueueTrigger"] = """{"archiveId":"a"}""" }, host));
        host.Stop();
    }

    /// <summary>The exporter's list, safe to read while the app's threads export into it.</summary>
    private sealed class SpanLog : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get
            {
                lock (_spans)
                {
                    return _spans.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Of(ActivityTraceId traceId)
        {
            lock (_spans)
            {
                return _spans.Where(s => s.TraceId == traceId).ToList();
            }
        }

        /// <summary>Waits for the span (exported when it ends) of that trace, source and name.</summary>
        public async Task<Activity> WaitForAsync(ActivityTraceId traceId, string source, string name)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                if (Of(traceId).FirstOrDefault(s => s.Source.Name == source && s.DisplayName == name) is { } span)
                {
                    return span;
                }

                Assert.True(DateTime.UtcNow < deadline, $"No {source} span '{name}' in trace {traceId}; it holds: {string.Join(", ", Of(traceId).Select(s => s.DisplayName))}.");
                await Task.Delay(20);
            }
        }

        public void Add(Activity item)
        {
            lock (_spans)
            {
                _spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (_spans)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item)
        {
            lock (_spans)
            {
                return _spans.Contains(item);
            }
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_spans)
            {
                _spans.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(Activity item)
        {
            lock (_spans)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (_spans)
            {
                return _spans.ToList().GetEnumerator();
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
