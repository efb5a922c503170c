using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Adapters.Events;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Events.Tests;

/// <summary>The webhook sink as the app registers it (<see cref="EventsServiceCollectionExtensions.AddOutboundEvents"/>),
/// with the network replaced by a handler that answers what each test needs.</summary>
public sealed class WebhookEventSinkTests
{
    private const string Secret = "erp-secret-0123456789";

    [Fact]
    public async Task A_transient_failure_is_retried_and_every_attempt_is_signed_over_the_exact_body()
    {
        var network = new Network(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var services = Services(network);

        var result = await Sink(services).DeliverAsync(TestEvents.Delivery(), default);

        Assert.Equal(SinkOutcome.Delivered, result.Outcome);
        Assert.Equal(2, network.Requests.Count);
        Assert.All(network.Requests, r =>
        {
            Assert.True(WebhookSignature.Verify(Secret, r.Signature, r.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
            Assert.Equal("application/cloudevents+json; charset=utf-8", r.ContentType);
            Assert.Equal(r.Body.Length, r.ContentLength);
        });
        var envelope = JsonNode.Parse(network.Requests.First().Body)!;
        Assert.Equal((TestEvents.Delivery().Event.Id, "orderops.order.received", "o-1", "2026-12-03T09:00:00.000Z"),
            (envelope["id"]!.GetValue<string>(), envelope["type"]!.GetValue<string>(), envelope["subject"]!.GetValue<string>(), envelope["time"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Gone_is_not_retried_and_reported_as_gone()
    {
        var network = new Network(HttpStatusCode.Gone);
        using var services = Services(network);

        var result = await Sink(services).DeliverAsync(TestEvents.Delivery(), default);

        Assert.Equal((SinkOutcome.Gone, "HTTP 410 Gone"), (result.Outcome, result.Error));
        Assert.Single(network.Requests);
    }

    [Fact]
    public async Task A_persistent_failure_is_a_failure_for_the_dispatcher_after_the_pipelines_retries()
    {
        var network = new Network(HttpStatusCode.InternalServerError);
        using var services = Services(network);

        var result = await Sink(services).DeliverAsync(TestEvents.Delivery(), default);

        Assert.Equal((SinkOutcome.Failed, "HTTP 500 Internal Server Error"), (result.Outcome, result.Error));
        Assert.Equal(3, network.Requests.Count);
    }

    [Fact]
    public async Task A_subscriber_slower_than_the_attempt_timeout_fails_the_attempt()
    {
        var network = new Network(HttpStatusCode.OK) { Delay = TimeSpan.FromSeconds(10) };
        using var services = Services(network, new() { ["Events:WebhookDelivery:AttemptTimeout"] = "00:00:00.200", ["Events:WebhookDelivery:MaxRetryAttempts"] = "1" });

        await Assert.ThrowsAnyAsync<Exception>(() => Sink(services).DeliverAsync(TestEvents.Delivery(), default));
        Assert.Equal(2, network.Requests.Count);
    }

    [Fact]
    public async Task A_payload_over_256_KB_goes_as_a_claim_check_and_the_full_envelope_is_archived()
    {
        var network = new Network(HttpStatusCode.OK);
        using var services = Services(network);
        var delivery = TestEvents.Delivery(TestEvents.Large());

        await Sink(services).DeliverAsync(delivery, default);

        var sent = JsonNode.Parse(Assert.Single(network.Requests).Body)!;
        Assert.Null(sent["data"]);
        Assert.Equal($"event-bodies/{delivery.Event.Id}.json", sent["dataref"]!.GetValue<string>());
        var archived = JsonNode.Parse(services.GetRequiredService<MemoryDocuments>().Documents[$"event-bodies/{delivery.Event.Id}.json"])!;
        Assert.Equal(300 * 1024, archived["data"]!["note"]!.GetValue<string>().Length);
    }

    [Fact]
    public void Options_are_validated_at_start_naming_the_setting()
    {
        using var services = Services(new Network(HttpStatusCode.OK), new() { ["Events:Webhooks:erp:Url"] = "ftp://example.com/x" });

        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<WebhookSubscriberOptions>>().Get("erp"));
        Assert.Contains("Events:Webhooks:erp:Url", error.Message, StringComparison.Ordinal);
    }

    private static IEventSink Sink(ServiceProvider services) => services.GetServices<IEventSink>().Single(s => s.Name == "erp");

    private static ServiceProvider Services(Network network, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Events:Webhooks:erp:Url"] = "https://erp.example.com/hooks/orderops",
            ["Events:Webhooks:erp:Secret"] = Secret,
            ["Events:WebhookDelivery:RetryBaseDelay"] = "00:00:00.001",
            ["Events:WebhookDelivery:MaxRetryAttempts"] = "2",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<MemoryDocuments>();
        services.AddSingleton<IOutboundDocuments>(sp => sp.GetRequiredService<MemoryDocuments>());
        services.AddOutboundEvents(configuration);
        services.AddHttpClient(EventsServiceCollectionExtensions.WebhookClient).ConfigurePrimaryHttpMessageHandler(() => network);
        return services.BuildServiceProvider();
    }

    /// <summary>Answers the statuses in turn (the last one for every request after), recording what arrived.</summary>
    private sealed class Network(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _count;

        public ConcurrentQueue<(byte[] Body, string? Signature, string? ContentType, long? ContentLength)> Requests { get; } = new();

        public TimeSpan Delay { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Requests.Enqueue((body, request.Headers.GetValues(WebhookSignature.HeaderName).Single(), request.Content.Headers.ContentType?.ToString(), request.Content.Headers.ContentLength));
            var status = statuses[Math.Min(Interlocked.Increment(ref _count) - 1, statuses.Length - 1)];
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            return new HttpResponseMessage(status);
        }
    }
}
