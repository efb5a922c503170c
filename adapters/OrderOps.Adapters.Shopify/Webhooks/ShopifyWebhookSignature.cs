using System.Security.Cryptography;

namespace OrderOps.Adapters.Shopify.Webhooks;

/// <summary>
/// Shopify's webhook signature: <c>X-Shopify-Hmac-Sha256</c> = base64(HMAC-SHA256(key = app secret, message = raw
/// body bytes)). Compared in constant time; any of the configured secrets may match (rotation).
/// </summary>
public static class ShopifyWebhookSignature
{
    public static bool IsValid(ReadOnlySpan<byte> body, string? signatureHeader, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(signatureHeader.Trim(), presented, out var written) || written != presented.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var valid = false;
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body, expected);
            valid |= CryptographicOperations.FixedTimeEquals(expected, presented);
        }

        return valid;
    }

    /// <summary>Signs a body the way Shopify does; for tests, the load driver and the README's curl example.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));
}
