using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OrderOps.Hosting.Security;

/// <summary>
/// Requires one of <see cref="ApiKeyOptions.ApiKeys"/> in the <c>x-functions-key</c> header or the <c>code</c> query
/// parameter — the two places Azure Functions reads function keys from. With no keys configured every request is
/// refused: a protected endpoint never silently opens.
/// </summary>
public sealed class ApiKeyEndpointFilter(IOptionsMonitor<ApiKeyOptions> options) : IEndpointFilter
{
    public const string HeaderName = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        var presented = request.Headers[HeaderName].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (presented is null || !Matches(presented, options.CurrentValue.ApiKeys))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid API key is required.",
                detail: $"Send one of the configured Auth:ApiKeys in the {HeaderName} header.");
        }

        return await next(context);
    }

    /// <summary>Compares hashes in constant time, so neither content nor length of a key leaks through timing.</summary>
    public static bool Matches(string presented, IEnumerable<string> keys)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys.Where(k => !string.IsNullOrEmpty(k)))
        {
            match |= CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }
}
