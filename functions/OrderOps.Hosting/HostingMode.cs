using Microsoft.Extensions.Configuration;

namespace OrderOps.Hosting;

public enum HostingMode
{
    /// <summary>The app is its own host: Kestrel serves HTTP functions, pumps drive timers and queues.</summary>
    Standalone,

    /// <summary>The Azure Functions host owns triggers and calls the app over HTTP (custom handler).</summary>
    CustomHandler,
}

public static class HostingModes
{
    /// <summary>Set by the Azure Functions host for a custom handler: the port it will call.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>
    /// <c>OrderOps:HostingMode</c> when set; otherwise CustomHandler when the Functions host has given us a port, else
    /// Standalone.
    /// </summary>
    public static HostingMode Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["OrderOps:HostingMode"];
        if (!string.IsNullOrEmpty(configured))
        {
            return Enum.TryParse<HostingMode>(configured, ignoreCase: true, out var mode)
                ? mode
                : throw new InvalidOperationException($"OrderOps:HostingMode '{configured}' is not one of {string.Join(", ", Enum.GetNames<HostingMode>())}.");
        }

        return string.IsNullOrEmpty(configuration[CustomHandlerPortVariable]) ? HostingMode.Standalone : HostingMode.CustomHandler;
    }
}
