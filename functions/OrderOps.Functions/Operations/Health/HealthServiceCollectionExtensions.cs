using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderOps.Functions.Operations.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The readiness checks behind <c>GET /api/health</c> (ASP.NET Core's health-check service, run by a function).</summary>
    public static IServiceCollection AddOperatorHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.QueueAgeUnhealthy > o.QueueAgeDegraded && o.OrchestrationWaitUnhealthy > o.OrchestrationWaitDegraded, "Each Unhealthy threshold must be longer than its Degraded one.")
            .ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy)
            .AddCheck<QueueHealthCheck>("queues", HealthStatus.Unhealthy)
            .AddCheck<LifecycleHealthCheck>("lifecycle", HealthStatus.Unhealthy)
            .AddCheck<ChannelHealthCheck>("channels", HealthStatus.Degraded);
        return services;
    }
}
