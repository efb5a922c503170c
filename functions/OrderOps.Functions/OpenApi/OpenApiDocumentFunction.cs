using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrderOps.Functions.OpenApi;

/// <summary>
/// <c>GET /openapi/v1.json</c> (ASP.NET Core's default path), open like ASP.NET Core's own: the API's shape is not a
/// secret, its operations are keyed. An HTTP function rather than <c>MapOpenApi()</c>, so the Functions host serves it too.
/// </summary>
public sealed class OpenApiDocumentFunction([FromKeyedServices(OpenApiServiceCollectionExtensions.DocumentName)] IOpenApiDocumentProvider documents)
{
    [Function("GetOpenApiDocument")]
    [Tags("Operations")]
    [EndpointSummary("This OpenAPI document.")]
    [ProducesResponseType(typeof(object), StatusCodes.Status200OK, "application/json")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var document = await documents.GetOpenApiDocumentAsync(cancellationToken);
        using var text = new StringWriter();
        await document.SerializeAsync(new OpenApiJsonWriter(text), OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        return Results.Text(text.ToString(), "application/json; charset=utf-8");
    }
}
