namespace OrderOps.Adapters.Amazon.Listings;

/// <summary>
/// Supplies a current Login with Amazon access token for the selling partner (sent as <c>x-amz-access-token</c>).
/// The Amazon adapter's LWA token provider implements it (refresh-token grant, cached until shortly before
/// <c>expires_in</c>); this project only depends on the seam.
/// </summary>
public interface IAccessTokenSource
{
    Task<string> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>Called after a 401/403 so the next call fetches a fresh token instead of reusing a revoked one.</summary>
    void Invalidate();
}
