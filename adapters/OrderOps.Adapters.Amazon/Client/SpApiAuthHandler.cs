using System.Net;
using System.Text.Json;
using OrderOps.Adapters.Amazon.Auth;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// Attaches the seller's LWA access token (<c>x-amz-access-token</c>). When Amazon answers 403 with
/// "The access token you provided has expired." (a token can expire between our check and Amazon's), the token is
/// dropped, refreshed, and the request sent once more. Not a resilience retry: it runs once, for one reason.
/// </summary>
internal sealed class SpApiAuthHandler : DelegatingHandler
{
    public const string AccessTokenHeader = "x-amz-access-token";

    private readonly ILwaAccessTokenProvider _tokens;

    public SpApiAuthHandler(ILwaAccessTokenProvider tokens)
    {
        _tokens = tokens;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sellerId = SpApiRequest.GetSellerId(request);
        var token = await _tokens.GetAccessTokenAsync(sellerId, cancellationToken);
        SetToken(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Forbidden || !await IsExpiredTokenAsync(response, cancellationToken))
        {
            return response;
        }

        response.Dispose();
        _tokens.Invalidate(sellerId, token);
        SetToken(request, await _tokens.GetAccessTokenAsync(sellerId, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private static void SetToken(HttpRequestMessage request, string token)
    {
        request.Headers.Remove(AccessTokenHeader);
        request.Headers.TryAddWithoutValidation(AccessTokenHeader, token);
    }

    /// <summary>Amazon: 403 <c>{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided has expired."}]}</c>.</summary>
    internal static async Task<bool> IsExpiredTokenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Buffer so whoever reads the body after us (the client's error mapping) still can.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return SpApiErrors.Parse(body).Any(e =>
                ContainsExpired(e.Details) || ContainsExpired(e.Message));
        }
        catch (JsonException)
        {
            return false;
        }

        static bool ContainsExpired(string? text) =>
            text is not null
            && text.Contains("access token", StringComparison.OrdinalIgnoreCase)
            && text.Contains("expired", StringComparison.OrdinalIgnoreCase);
    }
}
