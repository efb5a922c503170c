using Microsoft.AspNetCore.Mvc;
using OrderOps.Functions.Http;
using OrderOps.Functions.OpenApi;

namespace OrderOps.Functions.Console;

/// <summary>
/// <c>GET /console/...</c>: the operator console, open like any static page; every number on it comes from the
/// key-protected API, called from the browser with the key the operator gives (kept in sessionStorage only).
/// Same origin as the API, so no CORS. Any path that is not a file under <c>assets/</c> answers the page itself, so
/// each console page has its own shareable URL (<c>/console/orders/{orderId}</c>) and the browser's back button works.
/// </summary>
public sealed class ConsoleFunction(ConsoleAssets assets)
{
    /// <summary>Scripts, styles and data from this origin only; no inline script, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    [Function("Console")]
    [Tags("Console")]
    [EndpointSummary("The operator console (HTML, scripts, styles).")]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "text/html")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    public IResult Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request,
        string? path)
    {
        var asset = assets.Find(path);
        if (asset is null && path?.StartsWith("assets/", StringComparison.Ordinal) == true)
        {
            return Problems.NotFound($"No console file '{path}'.");
        }

        asset ??= assets.Index;
        var headers = request.HttpContext.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidate every time: a deployment changes the files under the same names, and a 304 costs one round trip.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
