using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Security;

namespace OrderOps.Functions.OpenApi;

public static class OpenApiServiceCollectionExtensions
{
    public const string DocumentName = "v1";
    private const string KeyScheme = "functionKey";

    /// <summary>
    /// The OpenAPI document of every HTTP function, the same in both hosting modes: Microsoft.AspNetCore.OpenApi builds
    /// it from <see cref="FunctionApiDescriptionProvider"/>; <see cref="OpenApiDocumentFunction"/> serves it.
    /// </summary>
    public static IServiceCollection AddFunctionOpenApi(this IServiceCollection services, Assembly functionsAssembly)
    {
        ArgumentNullException.ThrowIfNull(functionsAssembly);
        // The API explorer reads the route table too; under the Functions host the worker may have none registered.
        services.AddRouting();
        services.AddSingleton<IApiDescriptionProvider>(new FunctionApiDescriptionProvider(FunctionDiscovery.Discover(functionsAssembly)));
        services.AddOpenApi(DocumentName, options =>
        {
            // Standalone mode's own route table holds the same functions as request delegates: describe each once.
            options.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata.OfType<FunctionKeyMetadata>().Any();
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OrderOps",
                    Version = DocumentName,
                    Description = "Order operations: ingest, lifecycle, exceptions, inventory and events. Key-protected operations take a function key.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[KeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeys.HeaderName,
                    Description = $"An Azure Functions function key (standalone mode: one of Auth:ApiKeys); ?{ApiKeys.QueryName}= works too.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                foreach (var query in metadata.OfType<QueryParameterAttribute>())
                {
                    if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == query.Name && p.In == ParameterLocation.Query) is { } parameter)
                    {
                        parameter.Description = query.Description;
                    }
                }

                if (metadata.OfType<FunctionKeyMetadata>().Single().Keyed)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyScheme, context.Document)] = [] });
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }
}
