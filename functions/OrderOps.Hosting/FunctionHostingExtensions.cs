using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.CustomHandler;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;
using OrderOps.Hosting.Security;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Hosting;

public static class FunctionHostingExtensions
{
    /// <summary>Standalone mode's default address, the same port <c>func start</c> uses.</summary>
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    /// <summary>Registers the registry, the invoker, API keys and — in standalone mode — the pumps.</summary>
    public static IServiceCollection AddFunctionHosting(this IServiceCollection services, FunctionRegistry registry, HostingMode mode, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<OutputDispatcher>();
        services.Configure<ApiKeyOptions>(configuration.GetSection("Auth"));
        services.AddSingleton<ApiKeyEndpointFilter>();
        services.Configure<StandaloneOptions>(configuration.GetSection("OrderOps:Standalone"));
        if (mode == HostingMode.Standalone)
        {
            services.AddSingleton<IStandaloneTriggerPump, QueuePump>();
            services.AddSingleton<IStandaloneTriggerPump, TimerPump>();
            services.AddSingleton<IStandaloneTriggerPump, BlobFolderPump>();
            services.AddHostedService<StandaloneHost>();
        }

        return services;
    }

    /// <summary>Listens where the mode requires: loopback on the host's port for a custom handler, else 7071 unless --urls says otherwise.</summary>
    public static void UseFunctionHostUrls(this WebApplicationBuilder builder, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (mode == HostingMode.CustomHandler)
        {
            var port = builder.Configuration[HostingModes.CustomHandlerPortVariable] ?? "8080";
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }
    }

    /// <summary>Maps every HTTP function as an endpoint and, for a custom handler, every other function as an envelope endpoint.</summary>
    public static WebApplication MapFunctions(this WebApplication app, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(app);
        var registry = app.Services.GetRequiredService<FunctionRegistry>();
        var keys = app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.ApiKeys;

        // Behind the Functions host, authLevel "function" is enforced by the host before the request is proxied
        // here; our own check then applies only if keys are configured for the app too (defence in depth).
        var checkKeys = mode == HostingMode.Standalone || keys.Length > 0;
        if (mode == HostingMode.Standalone && keys.Length == 0)
        {
            app.Logger.LogWarning("No Auth:ApiKeys are configured: every key-protected endpoint will answer 401.");
        }

        foreach (var function in registry.Functions)
        {
            if (function.Trigger is not HttpTrigger http)
            {
                continue;
            }

            var endpoint = app.MapMethods("/" + http.Route, http.Methods, function.HttpHandler!).WithName(function.Name);
            if (http.AuthLevel == HttpAuthLevel.Function && checkKeys)
            {
                endpoint.AddEndpointFilter<ApiKeyEndpointFilter>();
            }
        }

        if (mode == HostingMode.CustomHandler)
        {
            app.MapInvocationEnvelopes(registry);
        }

        return app;
    }
}
