namespace OrderOps.Functions.OpenApi;

/// <summary>
/// A query parameter an HTTP function reads from <see cref="HttpRequest.Query"/> itself. Functions take the request,
/// not bound parameters, so the description of what they read is declared next to them for the OpenAPI document.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public Type Type { get; init; } = typeof(string);
}
