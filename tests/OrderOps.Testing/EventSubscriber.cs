using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Events;

namespace OrderOps.Testing;

/// <summary>
/// A webhook subscriber of OrderOps' outbound events on loopback: verifies <c>X-OrderOps-Signature</c> as a receiver would
/// (secret, body, 5-minute tolerance) and records every delivery with the time it arrived. <see cref="Status"/> and
/// <see cref="Delay"/> make it fail or slow on purpose.
/// </summary>
public sealed class EventSubscriber : IAsyncDisposable
{
    public const string Secret = "subscriber-secret-0123456789";

    private readonly WebApplication _app;

    private EventSubscriber(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every delivery that arrived, in arrival order (also the ones answered with an error).</summary>
    public ConcurrentQueue<Received> Deliveries { get; } = new();

    /// <summary>The status to answer (200 by default).</summary>
    public int Status { get; set; } = 200;

    public TimeSpan Delay { get; set; }

    /// <summary>Deliveries answered 2xx.</summary>
    public IEnumerable<Received> Accepted => Deliveries.Where(d => d.Status < 300);

    public static async Task<EventSubscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var subscriber = new EventSubscriber(app);
        app.MapPost("/events", subscriber.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        subscriber.Url = new Uri(new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)), "/events");
        return subscriber;
    }

    /// <summary>App settings subscribing <paramref name="name"/> to this endpoint (configuration-key form).</summary>
    public Dictionary<string, string> Settings(string name, string? types = null)
    {
        var settings = new Dictionary<string, string>
        {
            [$"Events:Webhooks:{name}:Url"] = Url.ToString(),
            [$"Events:Webhooks:{name}:Secret"] = Secret,
        };
        if (types is not null)
        {
            settings[$"Events:Webhooks:{name}:Types"] = types;
        }

        return settings;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var signed = WebhookSignature.Verify(Secret, request.Headers[WebhookSignature.HeaderName], body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var envelope = JsonNode.Parse(body)!;
        var status = signed ? Status : 401;
        Deliveries.Enqueue(new Received(
            envelope["id"]!.GetValue<string>(),
            envelope["type"]!.GetValue<string>(),
            envelope["subject"]!.GetValue<string>(),
            envelope,
            signed,
            request.ContentLength,
            status,
            arrived,
            DateTimeOffset.UtcNow));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        return Results.StatusCode(status);
    }

    public sealed record Received(string Id, string Type, string Subject, JsonNode Envelope, bool SignatureValid, long? ContentLength, int Status, long Timestamp, DateTimeOffset At);
}
