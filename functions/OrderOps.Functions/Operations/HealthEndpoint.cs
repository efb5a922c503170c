namespace OrderOps.Functions.Operations;

public static class HealthEndpoint
{
    /// <summary><c>GET /healthz</c>: open, and says nothing but that the app is serving.</summary>
    public static IResult Handle() => Results.Ok(new { status = "ok" });
}
