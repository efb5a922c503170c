using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Security;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Maps every HTTP-triggered function onto Kestrel with its attribute's route, methods and authorization level. The
/// route is used as written: host.json sets the Functions host's route prefix to "" so both modes serve one path.
/// </summary>
public static class HttpFunctionEndpoints
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
        {
            var trigger = (HttpTriggerAttribute)function.Trigger;
            var pattern = "/" + (trigger.Route ?? function.Name).TrimStart('/');
            var methods = trigger.Methods is { Length: > 0 } declared ? declared.Select(m => m.ToUpperInvariant()).ToArray() : ["GET", "POST"];
            var keyed = trigger.AuthLevel != AuthorizationLevel.Anonymous;
            var names = FunctionDiscovery.BindableNames(function);
            endpoints.MapMethods(pattern, methods, http => InvokeAsync(function, keyed, names, http)).WithName(function.Name).WithDisplayName(function.Name);
        }

        return endpoints;
    }

    private static async Task InvokeAsync(FunctionDescriptor function, bool keyed, HashSet<string> names, HttpContext http)
    {
        var services = http.RequestServices;
        if (keyed && !ApiKeys.IsAuthorized(http.Request, services.GetRequiredService<IOptionsMonitor<ApiKeyOptions>>().CurrentValue.ApiKeys))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid API key is required.",
                detail: $"Send one of the configured Auth:ApiKeys in the {ApiKeys.HeaderName} header.").ExecuteAsync(http);
            return;
        }

        var values = names.ToDictionary(n => n, n => http.Request.RouteValues[n]?.ToString(), StringComparer.OrdinalIgnoreCase);
        var invoker = services.GetRequiredService<FunctionInvoker>();
        var result = await invoker.InvokeAsync(function, http.Request, values, services, http.RequestAborted);
        switch (result)
        {
            case IResult answer:
                await answer.ExecuteAsync(http);
                break;
            case null:
                break;
            default:
                throw new InvalidOperationException($"HTTP function '{function.Name}' returned {result.GetType().Name}; standalone mode executes IResult.");
        }
    }
}
