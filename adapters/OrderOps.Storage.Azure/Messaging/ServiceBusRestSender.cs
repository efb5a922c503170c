using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Messaging;

/// <summary>
/// The smallest Service Bus sender: Service Bus's documented REST "Send Message" operation,
/// <c>POST https://{namespace}.servicebus.windows.net/{queue}/messages</c>, with the broker properties in the
/// <c>BrokerProperties</c> header as JSON. Used where the Functions output binding cannot set what we need: the
/// <c>MessageId</c> (duplicate detection on the queue drops a resend of a waiting message) and
/// <c>ScheduledEnqueueTimeUtc</c> (the message stays invisible until then). The Azure.Messaging.ServiceBus SDK is not
/// available to this build, and one HTTP request per message is all a sender needs.
/// </summary>
public sealed class ServiceBusRestSender(HttpClient http, ServiceBusEndpoint endpoint) : IMessageQueue
{
    public async Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var uri = new Uri(endpoint.BaseAddress, Uri.EscapeDataString(queueName) + "/messages");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("BrokerProperties", BrokerProperties(message));
        request.Headers.TryAddWithoutValidation("Authorization", await endpoint.AuthorizationAsync(cancellationToken));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Service Bus refused the message for '{queueName}': {(int)response.StatusCode} {detail}", null, response.StatusCode);
        }
    }

    /// <summary>The JSON broker properties; times in the RFC 1123 form the REST protocol uses for dates.</summary>
    internal static string BrokerProperties(QueueMessage message)
    {
        var properties = new Dictionary<string, string> { ["MessageId"] = message.MessageId };
        if (message.ScheduledEnqueueTime is { } at)
        {
            properties["ScheduledEnqueueTimeUtc"] = at.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
        }

        return JsonSerializer.Serialize(properties);
    }
}

/// <summary>
/// Where and as whom to send: a namespace and either a shared access key (connection string) or a Microsoft Entra
/// token from a <see cref="TokenCredential"/> (managed identity) for scope <c>https://servicebus.azure.net/.default</c>.
/// </summary>
public sealed class ServiceBusEndpoint
{
    public const string TokenScope = "https://servicebus.azure.net/.default";

    private readonly string? _keyName;
    private readonly byte[]? _key;
    private readonly TokenCredential? _credential;
    private readonly TimeProvider _time;
    private AccessToken _token;

    private ServiceBusEndpoint(Uri baseAddress, string? keyName, string? key, TokenCredential? credential, TimeProvider time)
    {
        BaseAddress = baseAddress;
        _keyName = keyName;
        _key = key is null ? null : Encoding.UTF8.GetBytes(key);
        _credential = credential;
        _time = time;
    }

    /// <summary>https://{namespace}.servicebus.windows.net/ (or any base address, for tests).</summary>
    public Uri BaseAddress { get; }

    /// <summary>From <c>Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>.</summary>
    public static ServiceBusEndpoint FromConnectionString(string connectionString, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !parts.TryGetValue("SharedAccessKeyName", out var keyName) || !parts.TryGetValue("SharedAccessKey", out var key))
        {
            throw new FormatException("A Service Bus connection string needs Endpoint, SharedAccessKeyName and SharedAccessKey.");
        }

        var uri = new UriBuilder(endpoint);
        if (uri.Scheme == "sb")
        {
            uri.Scheme = Uri.UriSchemeHttps;
            uri.Port = -1;
        }

        uri.Path = "/";
        return new ServiceBusEndpoint(uri.Uri, keyName, key, null, time);
    }

    public static ServiceBusEndpoint FromCredential(Uri baseAddress, TokenCredential credential, TimeProvider time) =>
        new(baseAddress, null, null, credential, time);

    /// <summary>The value of the Authorization header: a SAS token valid for an hour, or a (cached) bearer token.</summary>
    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_key is not null)
        {
            return SharedAccessSignature(BaseAddress.AbsoluteUri, _keyName!, _key, _time.GetUtcNow().AddHours(1));
        }

        if (_token.ExpiresOn <= _time.GetUtcNow().AddMinutes(5))
        {
            _token = await _credential!.GetTokenAsync(new TokenRequestContext([TokenScope]), cancellationToken);
        }

        return "Bearer " + _token.Token;
    }

    /// <summary>
    /// Service Bus SAS: <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={url-encoded base64 HMAC-SHA256 of
    /// "{url-encoded resource}\n{expiry}"}&amp;se={expiry, Unix seconds}&amp;skn={key name}</c>.
    /// </summary>
    internal static string SharedAccessSignature(string resourceUri, string keyName, byte[] key, DateTimeOffset expiry)
    {
        var encodedResource = WebUtility.UrlEncode(resourceUri);
        var expires = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(encodedResource + "\n" + expires)));
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={expires}&skn={keyName}";
    }
}
