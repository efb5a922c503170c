using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Security;

namespace OrderOps.Functions.OpenApi;

/// <summary>
/// Describes every HTTP-triggered <c>[Function]</c> to ASP.NET Core's API explorer, which Microsoft.AspNetCore.OpenApi
/// turns into <c>/openapi/v1.json</c>.
/// </summary>
/// <remarks>
/// Why not the endpoint explorer ASP.NET Core ships: under the Functions host the worker has no endpoint per function
/// (the host routes, the worker runs one pipeline), and standalone mode maps each function as a plain request delegate
/// that the explorer cannot look into. Both modes share the functions' declarations, so the description comes from
/// them: route, methods and key from the trigger attribute, route values from the route template, and the standard
/// ASP.NET Core metadata attributes on the method (<c>[ProducesResponseType]</c>, <c>[Consumes]</c>, <c>[Tags]</c>,
/// <c>[EndpointSummary]</c>) plus <see cref="QueryParameterAttribute"/> for what a function reads from the query.
/// Every key-protected function also answers 401 with a problem, which is added here once.
/// </remarks>
internal sealed class FunctionApiDescriptionProvider(IEnumerable<FunctionDescriptor> functions) : IApiDescriptionProvider
{
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";
    private static readonly EmptyModelMetadataProvider Metadata = new();

    /// <summary>After the built-in providers (order -1000), so standalone mode's own endpoints are already there.</summary>
    public int Order => 0;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
        {
            foreach (var description in Describe(function))
            {
                context.Results.Add(description);
            }
        }
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
    }

    /// <summary>One description per HTTP method the function accepts.</summary>
    public static IEnumerable<ApiDescription> Describe(FunctionDescriptor function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = (HttpTriggerAttribute)function.Trigger;
        var route = (trigger.Route ?? function.Name).TrimStart('/');
        var methods = trigger.Methods is { Length: > 0 } declared ? declared.Select(m => m.ToUpperInvariant()) : ["GET", "POST"];
        var keyed = trigger.AuthLevel != AuthorizationLevel.Anonymous;
        foreach (var method in methods)
        {
            var endpointMetadata = new List<object>(function.Method.GetCustomAttributes(inherit: true))
            {
                new EndpointNameMetadata(function.Name),
                new HttpMethodMetadata([method]),
                new FunctionKeyMetadata(keyed),
            };
            var description = new ApiDescription
            {
                HttpMethod = method,
                RelativePath = route,
                ActionDescriptor = new ActionDescriptor
                {
                    DisplayName = function.Name,
                    EndpointMetadata = endpointMetadata,
                    // The tag when no [Tags] says otherwise: the function's folder (Orders, Lifecycle, Inventory...).
                    RouteValues = { ["controller"] = function.Method.DeclaringType?.Namespace?.Split('.')[^1] },
                },
            };
            AddRouteParameters(description, route);
            AddQueryParameters(description, function.Method);
            AddRequestBody(description, function.Method);
            AddResponses(description, function.Method, keyed);
            yield return description;
        }
    }

    private static void AddRouteParameters(ApiDescription description, string route)
    {
        foreach (var parameter in RoutePatternFactory.Parse(route).Parameters)
        {
            description.ParameterDescriptions.Add(new ApiParameterDescription
            {
                Name = parameter.Name,
                Source = BindingSource.Path,
                Type = typeof(string),
                IsRequired = true,
                ModelMetadata = Metadata.GetMetadataForType(typeof(string)),
            });
        }
    }

    private static void AddQueryParameters(ApiDescription description, MethodInfo method)
    {
        foreach (var query in method.GetCustomAttributes<QueryParameterAttribute>())
        {
            description.ParameterDescriptions.Add(new ApiParameterDescription
            {
                Name = query.Name,
                Source = BindingSource.Query,
                Type = query.Type,
                IsRequired = false,
                ModelMetadata = Metadata.GetMetadataForType(query.Type),
            });
        }
    }

    private static void AddRequestBody(ApiDescription description, MethodInfo method)
    {
        if (method.GetCustomAttributes(inherit: true).OfType<IAcceptsMetadata>().FirstOrDefault() is not { } accepts)
        {
            return;
        }

        var type = accepts.RequestType ?? typeof(string);
        description.ParameterDescriptions.Add(new ApiParameterDescription
        {
            Name = "body",
            Source = BindingSource.Body,
            Type = type,
            IsRequired = !accepts.IsOptional,
            ModelMetadata = Metadata.GetMetadataForType(type),
        });
        foreach (var contentType in accepts.ContentTypes)
        {
            description.SupportedRequestFormats.Add(new ApiRequestFormat { MediaType = contentType });
        }
    }

    private static void AddResponses(ApiDescription description, MethodInfo method, bool keyed)
    {
        var declared = method.GetCustomAttributes(inherit: true).Select(Response).OfType<DeclaredResponse>().ToList();
        if (keyed)
        {
            declared.Add(new DeclaredResponse(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), [ProblemJson], $"No valid key in {ApiKeys.HeaderName} or ?{ApiKeys.QueryName}=."));
        }

        foreach (var response in declared)
        {
            var problem = response.Type is not null && typeof(ProblemDetails).IsAssignableFrom(response.Type);
            var contentTypes = response.ContentTypes.Count > 0 ? response.ContentTypes : response.Type is null ? [] : [problem ? ProblemJson : Json];
            var type = new ApiResponseType
            {
                StatusCode = response.StatusCode,
                Type = response.Type,
                Description = response.Description,
                ModelMetadata = response.Type is null ? null : Metadata.GetMetadataForType(response.Type),
            };
            foreach (var contentType in contentTypes)
            {
                type.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = contentType });
            }

            description.SupportedResponseTypes.Add(type);
        }
    }

    /// <summary>MVC's <c>[ProducesResponseType]</c> and the endpoint metadata interface both declare a response.</summary>
    private static DeclaredResponse? Response(object attribute)
    {
        switch (attribute)
        {
            case IProducesResponseTypeMetadata metadata:
                return new DeclaredResponse(metadata.StatusCode, metadata.Type, [.. metadata.ContentTypes], metadata.Description);
            case ProducesResponseTypeAttribute produces:
                var contentTypes = new MediaTypeCollection();
                ((IApiResponseMetadataProvider)produces).SetContentTypes(contentTypes);
                return new DeclaredResponse(produces.StatusCode, produces.Type == typeof(void) ? null : produces.Type, [.. contentTypes], produces.Description);
            default:
                return null;
        }
    }

    private sealed record DeclaredResponse(int StatusCode, Type? Type, IReadOnlyList<string> ContentTypes, string? Description);
}

/// <summary>Endpoint metadata saying whether a function needs a key (its trigger's authorization level is not Anonymous).</summary>
internal sealed record FunctionKeyMetadata(bool Keyed);
