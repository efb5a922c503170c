using Microsoft.Extensions.Configuration;

namespace OrderOps.Hosting;

public enum HostingMode
{
    /// <summary>The app is its own host: Kestrel serves the HTTP functions, pumps drive timers, queues and the inbox.</summary>
    Standalone,

    /// <summary>The Azure Functions host launched this process as its .NET isolated worker and drives every trigger.</summary>
    Functions,
}

public static class HostingModes
{
    /// <summary>The setting that forces a mode (<c>Standalone</c> or <c>Functions</c>) instead of detecting it.</summary>
    public const string Setting = "OrderOps:HostingMode";

    /// <summary>
    /// The mode this process runs in: <see cref="Setting"/> when set (command line, environment or appsettings.json),
    /// otherwise <see cref="HostingMode.Functions"/> exactly when the Functions host launched us.
    /// </summary>
    /// <remarks>
    /// The host starts the worker as <c>dotnet OrderOps.Functions.dll --host H --port P --functions-uri http://H:P/ ...</c>;
    /// FunctionsNetHost (Flex Consumption placeholders) also sets the AppContext switch
    /// <c>AZURE_FUNCTIONS_NATIVE_HOST</c>; the worker reads its endpoint from <c>Functions__Worker__HostEndpoint</c> when
    /// set. <c>FUNCTIONS_WORKER_RUNTIME</c> is not a signal: it is an ordinary app setting a user may have anywhere.
    /// </remarks>
    public static HostingMode Resolve(string[] args, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[Setting];
        if (!string.IsNullOrEmpty(configured))
        {
            return Enum.TryParse<HostingMode>(configured, ignoreCase: true, out var forced) && Enum.IsDefined(forced)
                ? forced
                : throw new InvalidOperationException($"{Setting} '{configured}' is not one of {string.Join(", ", Enum.GetNames<HostingMode>())}.");
        }

        return IsLaunchedByFunctionsHost(args, configuration) ? HostingMode.Functions : HostingMode.Standalone;
    }

    public static bool IsLaunchedByFunctionsHost(string[] args, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        return AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null
            || args.Any(a => a.Equals("--functions-uri", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--functions-uri=", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(configuration["Functions:Worker:HostEndpoint"]);
    }

    /// <summary>
    /// The configuration visible before any host is built: the app's appsettings.json, environment variables and the
    /// command line, which is where a forced mode can come from.
    /// </summary>
    public static IConfiguration BootstrapConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
}
