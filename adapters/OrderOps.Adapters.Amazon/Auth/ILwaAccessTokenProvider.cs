namespace OrderOps.Adapters.Amazon.Auth;

/// <summary>Login with Amazon access tokens for a seller account, cached until shortly before they expire.</summary>
public interface ILwaAccessTokenProvider
{
    /// <summary>A valid access token for <paramref name="sellerId"/>; refreshed through LWA when the cached one is near expiry.</summary>
    /// <exception cref="AmazonAuthenticationException">LWA refused the refresh token or the client credentials.</exception>
    ValueTask<string> GetAccessTokenAsync(string sellerId, CancellationToken cancellationToken);

    /// <summary>
    /// Drops <paramref name="rejectedToken"/> from the cache after the SP-API reported it expired, so the next
    /// <see cref="GetAccessTokenAsync"/> refreshes. A newer token cached meanwhile by another caller is kept.
    /// </summary>
    void Invalidate(string sellerId, string rejectedToken);
}
