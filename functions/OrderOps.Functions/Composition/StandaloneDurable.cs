using System.Reflection;
using OrderOps.Durable;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Durable;

namespace OrderOps.Functions.Composition;

/// <summary>
/// Standalone mode's durable runtime: the app's orchestrator and activity functions on DurableTask.Core, over the
/// embedded SQLite service (<c>durable.db</c> beside <c>orderops.db</c>) or, on the Azure backend, over the same Azure
/// Storage task hub the Functions host's Durable extension uses (host.json <c>extensions.durableTask</c>).
/// Under the Functions host this is not registered: the Durable extension runs the same functions.
/// </summary>
internal static class StandaloneDurable
{
    public static IServiceCollection AddStandaloneDurable(this IServiceCollection services, Assembly functionsAssembly, IConfiguration configuration)
    {
        var onAzure = StorageBackends.Azure.Equals(configuration["Storage:Backend"], StringComparison.OrdinalIgnoreCase);
        return services.AddOrderOpsDurable(
            options =>
            {
                // Unless told otherwise, orchestrations live where the rest of the backend's data lives.
                if (onAzure)
                {
                    options.Backend = DurableBackend.AzureStorage;
                    options.AzureStorageConnectionString = configuration[Connections.Storage];
                }
                else
                {
                    options.Sqlite.DataDirectory = DataDirectory.Resolve(configuration);
                }

                configuration.GetSection(DurableRuntimeOptions.SectionName).Bind(options);
            },
            registry => registry.AddFunctionTasks(FunctionDiscovery.Discover(functionsAssembly)));
    }
}
