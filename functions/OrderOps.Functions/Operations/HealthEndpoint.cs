namespace OrderOps.Functions.Operations;

public sealed class HealthEndpoint
{
    /// <summary><c>GET /healthz</c>: open, and says nothing but that the app is serving.</summary>
    [Function("Health")]
    public IResult Handle([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request) => Results.Ok(new { status = "ok" });
}
