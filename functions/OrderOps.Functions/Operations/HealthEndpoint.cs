using Microsoft.AspNetCore.Mvc;
namespace OrderOps.Functions.Operations;

public sealed class HealthEndpoint
{
    /// <summary><c>GET /healthz</c>: open, and says nothing but that the app is serving.</summary>
    [Function("Health")]
    [Tags("Operations")]
    [EndpointSummary("Liveness: the app is serving. Says nothing about its dependencies.")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public IResult Handle([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request) => Results.Ok(new { status = "ok" });
}
