namespace OrderOps.Hosting.Security;

/// <summary>Keys that open key-protected endpoints, bound from <c>Auth</c> (<c>Auth:ApiKeys:0</c>, <c>Auth:ApiKeys:1</c>...).</summary>
public sealed class ApiKeyOptions
{
    public string[] ApiKeys { get; set; } = [];
}
