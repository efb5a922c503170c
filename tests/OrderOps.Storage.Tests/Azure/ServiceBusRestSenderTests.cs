using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Messaging;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>
/// The Service Bus REST sender against a small HTTP server that checks the documented "Send Message" request
/// (learn.microsoft.com/rest/api/servicebus/send-message-to-queue): POST {namespace}/{queue}/messages, the broker
/// properties as JSON in the BrokerProperties header, a SAS token or a bearer token in Authorization; 201 Created.
/// Service Bus has no emulator here, so this is where its protocol is tested.
/// </summary>
public sealed class ServiceBusRestSenderTests : IDisposable
{
    private const string KeyName = "RootManageSharedAccessKey";
    private const string Key = "dGhpcyBpcyBub3QgYSByZWFsIGtleSwganVzdCBhIHRlc3Qga2V5IQ==";
    private readonly FakeServiceBus _server = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _server.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task A_message_is_posted_to_the_queue_with_its_id_and_a_valid_shared_access_signature()
    {
        var endpoint = ServiceBusEndpoint.FromConnectionString($"Endpoint={_server.BaseAddress};SharedAccessKeyName={KeyName};SharedAccessKey={Key}", TimeProvider.System);
        var sender = new ServiceBusRestSender(_http, endpoint);

        await sender.SendAsync("ingest", new QueueMessage { MessageId = "shopify:shop:1", Body = "{\"archiveId\":\"a\"}" }, default);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/ingest/messages"), (request.Method, request.Path));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("{\"archiveId\":\"a\"}", request.Body);
        using var properties = JsonDocument.Parse(request.BrokerProperties!);
        Assert.Equal("shopify:shop:1", properties.RootElement.GetProperty("MessageId").GetString());
        Assert.False(properties.RootElement.TryGetProperty("ScheduledEnqueueTimeUtc", out _));
        AssertValidSharedAccessSignature(request.Authorization!, _server.BaseAddress.AbsoluteUri);
    }

    [Fact]
    public async Task A_scheduled_message_carries_its_enqueue_time_in_utc_as_an_http_date()
    {
        var endpoint = ServiceBusEndpoint.FromConnectionString($"Endpoint={_server.BaseAddress};SharedAccessKeyName={KeyName};SharedAccessKey={Key}", TimeProvider.System);
        var at = new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(2));

        await new ServiceBusRestSender(_http, endpoint).SendAsync("lifecycle", new QueueMessage { MessageId = "t1", Body = "{}", ScheduledEnqueueTime = at }, default);

        using var properties = JsonDocument.Parse(Assert.Single(_server.Requests).BrokerProperties!);
        Assert.Equal("Mon, 23 Nov 2026 08:30:00 GMT", properties.RootElement.GetProperty("ScheduledEnqueueTimeUtc").GetString());
    }

    [Fact]
    public async Task With_an_identity_it_sends_a_bearer_token_for_the_service_bus_scope()
    {
        var credential = new RecordingCredential();
        var endpoint = ServiceBusEndpoint.FromCredential(_server.BaseAddress, credential, TimeProvider.System);
        var sender = new ServiceBusRestSender(_http, endpoint);

        await sender.SendAsync("ingest", new QueueMessage { MessageId = "a", Body = "{}" }, default);
        await sender.SendAsync("ingest", new QueueMessage { MessageId = "b", Body = "{}" }, default);

        Assert.All(_server.Requests, r => Assert.Equal("Bearer token-1", r.Authorization));
        Assert.Equal([ServiceBusEndpoint.TokenScope], credential.Scopes.Distinct());
        Assert.Single(credential.Scopes); // cached until near expiry
    }

    [Fact]
    public async Task A_refused_message_is_an_error_naming_the_status()
    {
        _server.Status = HttpStatusCode.Gone; // the queue does not exist
        var endpoint = ServiceBusEndpoint.FromConnectionString($"Endpoint={_server.BaseAddress};SharedAccessKeyName={KeyName};SharedAccessKey={Key}", TimeProvider.System);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            new ServiceBusRestSender(_http, endpoint).SendAsync("missing", new QueueMessage { MessageId = "a", Body = "{}" }, default));

        Assert.Equal(HttpStatusCode.Gone, error.StatusCode);
    }

    [Fact]
    public void A_namespace_connection_string_addresses_the_namespace_over_https()
    {
        var endpoint = ServiceBusEndpoint.FromConnectionString($"Endpoint=sb://orderops.servicebus.windows.net/;SharedAccessKeyName={KeyName};SharedAccessKey={Key}", TimeProvider.System);
        Assert.Equal("https://orderops.servicebus.windows.net/", endpoint.BaseAddress.AbsoluteUri);
        Assert.Throws<FormatException>(() => ServiceBusEndpoint.FromConnectionString("Endpoint=sb://x/", TimeProvider.System));
    }

    /// <summary>Checks the token as Service Bus does: HMAC-SHA256 over "{url-encoded resource}\n{expiry}" with the key.</summary>
    private static void AssertValidSharedAccessSignature(string authorization, string resource)
    {
        const string prefix = "SharedAccessSignature ";
        Assert.StartsWith(prefix, authorization, StringComparison.Ordinal);
        var fields = authorization[prefix.Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["se", "sig", "skn", "sr"], fields.Keys.Order());
        Assert.Equal(resource, WebUtility.UrlDecode(fields["sr"]));
        Assert.Equal(KeyName, fields["skn"]);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields["se"], CultureInfo.InvariantCulture));
        Assert.InRange(expiry, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(2));
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(fields["sr"] + "\n" + fields["se"])));
        Assert.Equal(expected, WebUtility.UrlDecode(fields["sig"]));
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }

            return ValueTask.FromResult(new AccessToken($"token-{Scopes.Count}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    private sealed record ReceivedRequest(string Method, string Path, string? ContentType, string? BrokerProperties, string? Authorization, string Body);

    /// <summary>An HTTP listener on a free loopback port that records each request and answers <see cref="Status"/>.</summary>
    private sealed class FakeServiceBus : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public FakeServiceBus()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseAddress.AbsoluteUri);
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri BaseAddress { get; }

        public HttpStatusCode Status { get; set; } = HttpStatusCode.Created;

        public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

        public void Dispose()
        {
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var request = context.Request;
                Requests.Enqueue(new ReceivedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.ContentType, request.Headers["BrokerProperties"], request.Headers["Authorization"], await reader.ReadToEndAsync()));
                context.Response.StatusCode = (int)Status;
                context.Response.Close();
            }
        }
    }
}
