using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Storage.Embedded.Orchestrations;

namespace OrderOps.Durable;

public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Runs the app's orchestrators and activities durably without the Functions host, and registers a
    /// <see cref="DurableTaskClient"/> for its functions. Settings come from <c>OrderOps:Durable</c>
    /// (<see cref="DurableRuntimeOptions"/>), validated at start.
    /// </summary>
    /// <param name="tasks">
    /// Registers the orchestrators and activities: <c>AddOrchestratorFunc&lt;TIn,TOut&gt;</c> /
    /// <c>AddActivityFunc&lt;TIn,TOut&gt;</c> with lambdas and declared input types (method groups crash the Durable
    /// analyzer; an undeclared input type reaches the code as a JsonElement).
    /// </param>
    public static IServiceCollection AddOrderOpsDurable(this IServiceCollection services, IConfiguration configuration, Action<DurableTaskRegistry> tasks)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOrderOpsDurable(options => configuration.GetSection(DurableRuntimeOptions.SectionName).Bind(options), tasks);
    }

    /// <inheritdoc cref="AddOrderOpsDurable(IServiceCollection, IConfiguration, Action{DurableTaskRegistry})"/>
    public static IServiceCollection AddOrderOpsDurable(this IServiceCollection services, Action<DurableRuntimeOptions> configure, Action<DurableTaskRegistry> tasks)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(tasks);
        services.AddOptions<DurableRuntimeOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurableRuntimeOptions>, DurableRuntimeOptionsValidator>();

        var registry = new DurableTaskRegistry();
        tasks(registry);
        services.AddSingleton(new RegisteredTasks(registry));
        services.AddSingleton(CreateOrchestrationService);
        services.AddSingleton(sp => (IOrchestrationServiceClient)sp.GetRequiredService<IOrchestrationService>());
        services.AddSingleton<DurableTaskClient>(sp => new OrchestrationServiceDurableTaskClient(
            sp.GetRequiredService<IOrchestrationServiceClient>(), sp.GetRequiredService<RegisteredTasks>().IsOrchestrator));
        services.AddHostedService<TaskHubWorkerService>();
        return services;
    }

    private static IOrchestrationService CreateOrchestrationService(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DurableRuntimeOptions>>().Value;
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        return options.Backend switch
        {
            DurableBackend.Sqlite => new SqliteOrchestrationService(options.Sqlite, loggerFactory),
            DurableBackend.AzureStorage => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
            {
                TaskHubName = options.TaskHubName,
                StorageAccountClientProvider = new StorageAccountClientProvider(options.AzureStorageConnectionString!),
                LoggerFactory = loggerFactory,
                MaxQueuePollingInterval = options.MaxQueuePollingInterval,
                PartitionCount = options.PartitionCount,

                // Without it a start whose id is running is silently ignored; the SQLite service refuses it, and so must this.
                ThrowExceptionOnInvalidDedupeStatus = true,
            }),
            _ => throw new InvalidOperationException($"Unknown durable backend {options.Backend}."),
        };
    }

    /// <summary>Reports every problem of the settings by name, not just "invalid".</summary>
    private sealed class DurableRuntimeOptionsValidator : IValidateOptions<DurableRuntimeOptions>
    {
        public ValidateOptionsResult Validate(string? name, DurableRuntimeOptions options) =>
            options.Validate() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems.Select(problem => $"{DurableRuntimeOptions.SectionName}: {problem}"))
                : ValidateOptionsResult.Success;
    }
}
