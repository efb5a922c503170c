using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using OrderOps.Hosting;
using OrderOps.Hosting.Security;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Composition;

/// <summary>
/// Standalone mode's host: a plain ASP.NET Core app with the same service registrations as the Function app, which
/// serves the HTTP functions on Kestrel and pumps the timer, queue and blob functions itself.
/// </summary>
internal static partial class StandaloneApp
{
    /// <summary>The largest body any function accepts (the EDI intake's 50 MB) plus room to answer 413 itself.</summary>
    private const long MaxRequestBodyBytes = Edi.EdiX12Endpoint.MaxBodyBytes + (1024 * 1024);

    public static WebApplication Build(string[] args)
    {
        // The app's own folder is the content root wherever it is started from, so appsettings.json is always read.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.UseStandaloneUrls();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        // The request-start line prints the full URL, and a client may put its key in ?code=: keep it out of the log.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", level => level >= LogLevel.Warning);

        builder.Services.AddOrderOps(builder.Configuration);
        builder.Services.AddStandaloneFunctions(typeof(StandaloneApp).Assembly, builder.Configuration);
        builder.Services.AddStandaloneDurable(typeof(StandaloneApp).Assembly, builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapStandaloneFunctions();
        if (app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.ApiKeys.Length == 0)
        {
            LogNoKeys(app.Logger);
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Auth:ApiKeys are configured: every key-protected endpoint will answer 401.")]
    private static partial void LogNoKeys(ILogger logger);
}
