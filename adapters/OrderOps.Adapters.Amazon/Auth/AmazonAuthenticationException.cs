namespace OrderOps.Adapters.Amazon.Auth;

/// <summary>
/// Login with Amazon refused to issue an access token (revoked or wrong refresh token, wrong client credentials).
/// Permanent until an operator fixes the configuration; the message never contains a secret.
/// </summary>
public sealed class AmazonAuthenticationException : Exception
{
    public AmazonAuthenticationException(string message)
        : base(message)
    {
    }

    public AmazonAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AmazonAuthenticationException()
    {
    }

    /// <summary>The OAuth error code LWA returned (e.g. <c>invalid_grant</c>), when it returned one.</summary>
    public string? Error { get; init; }
}
