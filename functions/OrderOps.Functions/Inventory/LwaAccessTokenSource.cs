using OrderOps.Adapters.Amazon.Auth;
using OrderOps.Adapters.Amazon.Listings;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Gives the Listings publisher its seller's tokens from the Amazon adapter's LWA provider (one cache for the
/// poller and the inventory pushes). Remembers the token it handed out so a rejection invalidates exactly that one.
/// </summary>
internal sealed class LwaAccessTokenSource(ILwaAccessTokenProvider provider, string sellerId) : IAccessTokenSource
{
    private string? _lastToken;

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var token = await provider.GetAccessTokenAsync(sellerId, cancellationToken);
        Volatile.Write(ref _lastToken, token);
        return token;
    }

    public void Invalidate()
    {
        if (Volatile.Read(ref _lastToken) is { } token)
        {
            provider.Invalidate(sellerId, token);
        }
    }
}
