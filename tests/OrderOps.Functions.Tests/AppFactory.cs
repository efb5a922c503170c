using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Tests;

/// <summary>The Function app in-process, standalone, on a fresh data directory, with known keys and secret.</summary>
public sealed class AppFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key";
    public const string WebhookSecret = "test-secret";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "orderops-app-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A client that sends the API key.</summary>
    public HttpClient CreateKeyedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        return client;
    }

    /// <summary>Polls the read API until the order exists (ingest runs asynchronously after the 200).</summary>
    public async Task<JsonElement> WaitForOrderAsync(string orderId, Func<JsonElement, bool>? until = null)
    {
        using var client = CreateKeyedClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api/orders/" + orderId, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (until is null || until(body))
                {
                    return body;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Order {orderId} did not reach the expected state; last answer {(int)response.StatusCode}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Runs one function now through standalone mode's invoker, as its trigger would: for functions whose trigger a test
    /// cannot wait for (an hourly timer). Exceptions reach the caller.
    /// </summary>
    public Task<object?> InvokeFunctionAsync(string name, object? triggerValue, IReadOnlyDictionary<string, string?>? namedValues = null)
    {
        var function = Services.GetRequiredService<StandaloneFunctions>().All.Single(f => f.Name == name);
        return Services.GetRequiredService<FunctionInvoker>().InvokeAsync(function, triggerValue, namedValues ?? new Dictionary<string, string?>(), services: null, CancellationToken.None);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("OrderOps:HostingMode", "Standalone");
        builder.UseSetting("OrderOps:DataDirectory", DataDirectory);
        builder.UseSetting("Auth:ApiKeys:0", ApiKey);
        builder.UseSetting("Channels:Shopify:WebhookSecret", WebhookSecret);
        builder.UseSetting("OrderOps:Standalone:IdlePollInterval", "00:00:00.050");
        builder.UseSetting("OrderOps:Telemetry:Console", "false"); // on by default in standalone mode: it would flood the test output
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
