using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace OrderOps.Functions.OpenApi;

/// <summary>
/// A status a function answers with an RFC 9457 problem (see <c>Http/Problems</c>). ASP.NET Core has this as the
/// <c>ProducesProblem</c> endpoint extension but no attribute, and functions declare their metadata as attributes.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProblemResponseAttribute(int statusCode) : Attribute, IProducesResponseTypeMetadata
{
    public Type? Type => statusCode == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);

    public int StatusCode => statusCode;

    public string? Description => null;

    public IEnumerable<string> ContentTypes => ["application/problem+json"];
}
