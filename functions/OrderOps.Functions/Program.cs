using Microsoft.Azure.Functions.Worker.Builder;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;

// One executable, two ways to run (README "Two ways to run"): under the Azure Functions host as its .NET isolated
// worker, or on its own (`dotnet run`), driving the same [Function] methods itself. OrderOps:HostingMode forces one.
var mode = HostingModes.Resolve(args, HostingModes.BootstrapConfiguration(args));
try
{
    if (mode == HostingMode.Functions)
    {
        var functions = FunctionsApplication.CreateBuilder(args);
        functions.ConfigureFunctionsWebApplication();
        functions.UseMiddleware<OrderOps.Functions.Telemetry.QueueTraceMiddleware>();
        functions.UseMiddleware<QueueFailureMiddleware>();
        functions.Services.AddOrderOps(functions.Configuration);
        await functions.Build().RunAsync();
    }
    else
    {
        await StandaloneApp.Build(args).RunAsync();
    }

    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    // A configuration the app cannot run with: say which, and exit non-zero before serving anything.
    await Console.Error.WriteLineAsync($"OrderOps could not start: {ex.Message}");
    return 1;
}

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
