using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrderOps.Adapters.Amazon.Auth;

/// <summary>
/// Exchanges each seller's refresh token for an access token (<c>grant_type=refresh_token</c>) and caches it per
/// seller until <see cref="AmazonOptions.TokenRefreshMargin"/> before expiry. One refresh at a time per seller:
/// concurrent callers wait for the refresh in flight instead of each asking LWA. Tokens and secrets are never logged.
/// </summary>
public sealed class LwaAccessTokenProvider : ILwaAccessTokenProvider, IDisposable
{
    /// <summary>Name of the <see cref="HttpClient"/> used for the token endpoint.</summary>
    public const string HttpClientName = "OrderOps.Amazon.Lwa";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<AmazonOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LwaAccessTokenProvider> _logger;
    private readonly ConcurrentDictionary<string, SellerTokenSlot> _slots = new(StringComparer.Ordinal);

    public LwaAccessTokenProvider(
        IHttpClientFactory httpClientFactory,
        IOptionsMonitor<AmazonOptions> options,
        TimeProvider timeProvider,
        ILogger<LwaAccessTokenProvider> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<string> GetAccessTokenAsync(string sellerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        var slot = _slots.GetOrAdd(sellerId, _ => new SellerTokenSlot());
        var margin = _options.CurrentValue.TokenRefreshMargin;

        if (slot.Current is { } cached && _timeProvider.GetUtcNow() < cached.ExpiresAt - margin)
        {
            return cached.AccessToken;
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (slot.Current is { } fresh && _timeProvider.GetUtcNow() < fresh.ExpiresAt - margin)
            {
                return fresh.AccessToken;
            }

            var token = await RefreshAsync(sellerId, cancellationToken);
            slot.Current = token;
            return token.AccessToken;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public void Invalidate(string sellerId, string rejectedToken)
    {
        if (_slots.TryGetValue(sellerId, out var slot) && slot.Current is { } current
            && string.Equals(current.AccessToken, rejectedToken, StringComparison.Ordinal))
        {
            // Compare-and-clear: a token refreshed by someone else in the meantime stays.
            Interlocked.CompareExchange(ref slot.CurrentField, null, current);
            _logger.LogInformation("Amazon access token for seller {SellerId} was reported expired; it will be refreshed.", sellerId);
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }
    }

    private async Task<CachedToken> RefreshAsync(string sellerId, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.Accounts.TryGetValue(sellerId, out var account) || string.IsNullOrWhiteSpace(account.RefreshToken))
        {
            throw new AmazonAuthenticationException($"No refresh token is configured for Amazon seller '{sellerId}'.");
        }

        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", account.RefreshToken),
            new("client_id", options.ClientId ?? string.Empty),
            new("client_secret", options.ClientSecret ?? string.Empty),
        ]);

        var client = _httpClientFactory.CreateClient(HttpClientName);
        var requestedAt = _timeProvider.GetUtcNow();
        using var response = await client.PostAsync(options.LwaEndpoint, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // LWA errors are {"error": "...", "error_description": "..."}; neither echoes the secret.
            LwaError? error = null;
            try
            {
                error = await response.Content.ReadFromJsonAsync<LwaError>(cancellationToken);
            }
            catch (System.Text.Json.JsonException)
            {
            }

            _logger.LogError(
                "Login with Amazon refused to refresh the token of seller {SellerId}: {Status} {Error}.",
                sellerId, (int)response.StatusCode, error?.Error);
            throw new AmazonAuthenticationException(
                $"Login with Amazon refused the token refresh for seller '{sellerId}' ({(int)response.StatusCode} {error?.Error}: {error?.Description}).")
            {
                Error = error?.Error,
            };
        }

        var body = await response.Content.ReadFromJsonAsync<LwaTokenResponse>(cancellationToken)
            ?? throw new AmazonAuthenticationException("Login with Amazon returned an empty token response.");
        if (string.IsNullOrEmpty(body.AccessToken) || body.ExpiresIn <= 0)
        {
            throw new AmazonAuthenticationException("Login with Amazon returned a token response without access_token or expires_in.");
        }

        // Expiry counts from when the request was sent, so a slow response cannot make us overestimate lifetime.
        var expiresAt = requestedAt + TimeSpan.FromSeconds(body.ExpiresIn);
        _logger.LogInformation("Refreshed the Amazon access token of seller {SellerId}; valid until {ExpiresAt:O}.", sellerId, expiresAt);
        return new CachedToken(body.AccessToken, expiresAt);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset ExpiresAt);

    private sealed class SellerTokenSlot : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public CachedToken? CurrentField;

        public CachedToken? Current
        {
            get => Volatile.Read(ref CurrentField);
            set => Volatile.Write(ref CurrentField, value);
        }

        public void Dispose() => Gate.Dispose();
    }

    private sealed record LwaTokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record LwaError(
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? Description);
}
