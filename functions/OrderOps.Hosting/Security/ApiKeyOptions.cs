namespace OrderOps.Hosting.Security;

/// <summary>Keys that open key-protected endpoints in standalone mode, bound from <c>Auth</c> (<c>Auth:ApiKeys:0</c>, <c>Auth:ApiKeys:1</c>...).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    public string[] ApiKeys { get; set; } = [];
}
