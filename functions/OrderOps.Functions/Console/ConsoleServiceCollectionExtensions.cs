namespace OrderOps.Functions.Console;

public static class ConsoleServiceCollectionExtensions
{
    /// <summary>The operator console's files and the pipeline's stuck thresholds.</summary>
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ConsoleAssets>();
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section))
            .Validate(o => o.StuckAfter.Values.All(t => t > TimeSpan.Zero), "Every OrderOps:Pipeline:StuckAfter threshold must be positive.")
            .ValidateOnStart();
        return services;
    }
}
