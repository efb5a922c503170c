using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderOps.Functions.Tests.Lossless;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>
/// The real standalone process as a new user meets it: started from any folder, with a bad data directory, with the
/// largest documented body, and with the functions' own log lines on its console.
/// </summary>
[Collection(nameof(RealProcessCollection))]
public sealed class StandaloneStartupTests : IDisposable
{
    private const string ApiKey = "startup-test-key";
    private const string Secret = "startup-test-secret";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-startup-tests", Guid.NewGuid().ToString("N"));
    private readonly string _elsewhere = Path.Combine(Path.GetTempPath(), "orderops-startup-cwd", Guid.NewGuid().ToString("N"));

    public StandaloneStartupTests() => Directory.CreateDirectory(_elsewhere);

    public void Dispose()
    {
        foreach (var folder in new[] { _dataDirectory, _elsewhere })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Started_from_another_folder_it_reads_its_own_settings_and_never_logs_a_key_from_the_query()
    {
        // Development settings (appsettings.Development.json, beside the app) hold the dev key; request logging is
        // turned up so that a logged URL would show.
        await using var app = await StandaloneProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["OrderOps__DataDirectory"] = _dataDirectory,
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            },
            workingDirectory: _elsewhere);
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/orders?code=dev-key-change-me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForOutputAsync(app, "Executed endpoint 'ListOrders'");
        Assert.DoesNotContain("dev-key-change-me", app.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_elsewhere, "data")), "The data went to the working directory although OrderOps:DataDirectory was set.");
    }

    [Fact]
    public async Task An_unusable_data_directory_stops_the_start_with_the_setting_named_and_a_failing_exit_code()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepositoryPaths.FunctionAppDll, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _elsewhere,
        };
        info.Environment["OrderOps__DataDirectory"] = "/proc/orderops-cannot-be-here";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("OrderOps:DataDirectory", await error, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", await output + await error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_edi_intake_takes_bodies_up_to_its_documented_50_mb_and_refuses_larger_ones_with_problem_details()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient(ApiKey);

        // 40 MB: over Kestrel's default 30,000,000-byte limit, under ours. Not X12, so the intake itself answers 400.
        using (var large = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), new ByteArrayContent(new byte[40 * 1024 * 1024])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        }

        using var tooLarge = await client.PostAsync(new Uri("/api/edi/x12", UriKind.Relative), new ByteArrayContent(new byte[(50 * 1024 * 1024) + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_functions_own_log_lines_reach_the_console_with_ids()
    {
        await using var app = await StartAsync(("Logging__LogLevel__Default", "Information"));
        using var client = app.CreateClient(ApiKey);

        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(4242), Secret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var archiveId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("archiveId").GetString()!;

        var output = await WaitForOutputAsync(app, "Ingested " + archiveId);
        Assert.Contains($"Ingested {archiveId}: shopify:{ShopifyWebhooks.Shop}:4242 Created", output, StringComparison.Ordinal);
    }

    private Task<StandaloneProcess> StartAsync(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["OrderOps__DataDirectory"] = _dataDirectory,
            ["Auth__ApiKeys__0"] = ApiKey,
            ["Channels__Shopify__WebhookSecret"] = Secret,
            ["Channels__Edi__InterchangeReceiverId"] = "ORDEROPS",
            ["Channels__Edi__Partners__acme__InterchangeSenderId"] = "ACME",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return StandaloneProcess.StartAsync(settings);
    }

    private static async Task<string> WaitForOutputAsync(StandaloneProcess app, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!app.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' never appeared in the output:{Environment.NewLine}{app.Output}");
            await Task.Delay(20);
        }

        return app.Output;
    }
}
