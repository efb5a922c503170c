using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Security;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Hosting;

public static class FunctionHostingExtensions
{
    /// <summary>Standalone mode's default address, the port <c>func start</c> uses.</summary>
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    /// <summary>
    /// Standalone mode: discovers the <c>[Function]</c> methods of <paramref name="functionsAssembly"/> and registers
    /// what runs them without the Functions host (invoker, API keys, the timer, queue and blob pumps).
    /// </summary>
    public static IServiceCollection AddStandaloneFunctions(this IServiceCollection services, Assembly functionsAssembly, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp => new StandaloneFunctions(functionsAssembly, sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionInvoker>();
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section));
        services.AddOptions<StandaloneOptions>().Bind(configuration.GetSection(StandaloneOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IStandaloneTriggerPump, QueuePump>();
        services.AddSingleton<IStandaloneTriggerPump, TimerPump>();
        services.AddSingleton<IStandaloneTriggerPump, BlobFolderPump>();
        services.AddHostedService<StandaloneHost>();
        return services;
    }

    /// <summary>Listens on 7071 unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public static void UseStandaloneUrls(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }
    }

    /// <summary>Maps every HTTP-triggered function (discovery runs here, so a function standalone mode cannot call stops the start).</summary>
    public static IEndpointRouteBuilder MapStandaloneFunctions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapHttpFunctions(endpoints.ServiceProvider.GetRequiredService<StandaloneFunctions>().All);
    }
}
