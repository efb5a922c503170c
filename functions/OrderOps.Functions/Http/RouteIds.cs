using Microsoft.AspNetCore.Http.Features;
using OrderOps.Core.Ids;

namespace OrderOps.Functions.Http;

/// <summary>
/// Ids in URL paths. The one documented encoding: an id is one path segment, percent-encoded as RFC 3986
/// <c>encodeURIComponent</c> / <see cref="Uri.EscapeDataString(string)"/> ('/' → %2F, '%' → %25, ' ' → %20, '#' → %23).
/// </summary>
/// <remarks>
/// ASP.NET Core route values cannot carry such ids: Kestrel decodes every escape in the path except %2F, so the route
/// value of <c>A%2FB</c> is the text "A%2FB", the same as the id "A%2FB" sent correctly as <c>A%252FB</c>; two ids
/// become one and "A/B" is unreachable. The id is therefore decoded exactly once from the request's raw target
/// (<see cref="IHttpRequestFeature.RawTarget"/>, the path as the client sent it), at the position the route gives it.
/// The route value is used only when no raw target exists.
/// <para>
/// Under the Azure Functions host the worker does not see the client's request target. The host's Kestrel decodes the
/// path (every escape but %2F), routes it, and forwards it to the worker with YARP, which re-encodes that decoded path:
/// the client's <c>A%2FB</c> and <c>A%252FB</c> both reach the host as the text "A%2FB" and the worker as
/// <c>A%252FB</c> (YARP 2.x escapes '%'; older versions kept "%2F" as it was). What the client meant is lost before the
/// worker, so for forwarded requests (the host adds <c>x-ms-invocation-id</c>; the worker refuses requests without it)
/// the decoded id has "%2F" read as '/': ids with '/' work as documented, and an id holding the literal text "%2F" is
/// read as '/' there (reachable as documented only in standalone mode).
/// </para>
/// </remarks>
internal static class RouteIds
{
    /// <summary>Added by the Functions host to every request it forwards to the worker (the worker's own correlation header).</summary>
    internal const string FunctionsHostInvocationHeader = "x-ms-invocation-id";

    /// <summary>
    /// The id at <paramref name="segment"/> (0-based, counting from the route's first segment, e.g. 2 in
    /// <c>api/orders/{orderId}</c>), or a 400 naming <paramref name="field"/> when it is not a valid id.
    /// </summary>
    public static bool TryGet(HttpRequest request, int segment, string? routeValue, string field, out string id, out IResult? problem)
    {
        id = Decode(request, segment) ?? routeValue ?? string.Empty;
        if (IdText.Problem(id) is { } reason)
        {
            problem = Problems.BadRequest("The id in the path is not valid.", $"{field} {reason}", new Dictionary<string, string[]> { [field] = [reason] });
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>The path for an id, encoded the documented way, e.g. <c>/api/inventory/TSHIRT%2FRED%2FM</c>.</summary>
    public static string Path(string prefix, string id, string? suffix = null) => prefix + Uri.EscapeDataString(id) + suffix;

    private static string? Decode(HttpRequest request, int segment)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return null;
        }

        var end = raw.IndexOfAny(['?', '#']);
        var path = end < 0 ? raw : raw[..end];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathBaseSegments = request.PathBase.HasValue ? request.PathBase.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).Length : 0;
        var index = pathBaseSegments + segment;
        if (index >= segments.Length)
        {
            return null;
        }

        var id = Uri.UnescapeDataString(segments[index]);
        return request.Headers.ContainsKey(FunctionsHostInvocationHeader) ? id.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase) : id;
    }
}
