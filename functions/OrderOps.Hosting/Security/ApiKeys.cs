using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrderOps.Hosting.Security;

/// <summary>
/// Standalone mode's stand-in for Azure Functions function keys: one of <see cref="ApiKeyOptions.ApiKeys"/> in the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter, the two places the host reads keys from. With no
/// keys configured every request is refused: a protected endpoint never silently opens.
/// </summary>
public static class ApiKeys
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public static bool IsAuthorized(HttpRequest request, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(request);
        var presented = request.Headers[HeaderName].FirstOrDefault() ?? request.Query[QueryName].FirstOrDefault();
        return presented is not null && Matches(presented, keys);
    }

    /// <summary>Compares hashes in constant time, so neither content nor length of a key leaks through timing.</summary>
    public static bool Matches(string presented, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(keys);
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys.Where(k => !string.IsNullOrEmpty(k)))
        {
            match |= CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }
}
