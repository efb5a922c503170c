using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using OrderOps.Hosting.Discovery;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Publishing;

/// <summary>
/// `dotnet publish` of the Function app, zipped as zip deploy (and azd) would, then unpacked: the package must be the
/// standard .NET isolated package the Azure Functions host expects at its root — host.json, worker.config.json naming
/// the app, extensions.json with the binding extensions under .azurefunctions/, and the Functions SDK's
/// functions.metadata, whose bindings must be exactly what the [Function] attributes declare (and what standalone mode
/// runs). Published once for the class (it takes a while) into its own artifacts folder, so the solution's build
/// output is never touched while other tests run.
/// </summary>
public sealed class FunctionPackageTests(FunctionPackageTests.PublishedPackage package) : IClassFixture<FunctionPackageTests.PublishedPackage>
{
    private static readonly IReadOnlyList<FunctionDescriptor> Functions = FunctionDiscovery.Discover(typeof(Program).Assembly);

    [Fact]
    public void The_package_is_a_dotnet_isolated_worker_with_its_extensions()
    {
        var host = JsonNode.Parse(File.ReadAllText(package.File("host.json")))!;
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]);
        Assert.Equal(string.Empty, host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("none", host["extensions"]!["queues"]!["messageEncoding"]!.GetValue<string>());

        var worker = JsonNode.Parse(File.ReadAllText(package.File("worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", worker["language"]!.GetValue<string>());
        Assert.Equal("OrderOps.Functions.dll", worker["defaultWorkerPath"]!.GetValue<string>());
        Assert.True(File.Exists(package.File("OrderOps.Functions.dll")));

        var extensions = JsonNode.Parse(File.ReadAllText(package.File("extensions.json")))!["extensions"]!.AsArray();
        Assert.Contains(extensions, e => e!["name"]!.GetValue<string>() == "AzureStorageQueues");
        Assert.Contains(extensions, e => e!["name"]!.GetValue<string>() == "AzureStorageBlobs");
        foreach (var extension in extensions)
        {
            Assert.True(File.Exists(package.File(extension!["hintPath"]!.GetValue<string>())), $"{extension["hintPath"]} is not in the package.");
        }

        Assert.False(File.Exists(package.File("appsettings.Development.json")), "The development key and secret must not be deployed.");
    }

    [Fact]
    public void Functions_metadata_lists_exactly_the_functions_standalone_mode_runs()
    {
        Assert.Equal(Functions.Select(f => f.Name).Order(), package.Metadata.Keys.Order());
    }

    public static TheoryData<string> FunctionNames()
    {
        var data = new TheoryData<string>();
        foreach (var function in Functions)
        {
            data.Add(function.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Every_trigger_in_the_package_is_the_one_its_attribute_declares(string name)
    {
        var function = Functions.Single(f => f.Name == name);
        var metadata = package.Metadata[name];
        Assert.Equal($"{function.Method.DeclaringType!.FullName}.{function.Method.Name}", metadata["entryPoint"]!.GetValue<string>());
        var bindings = metadata["bindings"]!.AsArray();
        var trigger = bindings.Single(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;
        Assert.Equal(function.TriggerParameter.Name, trigger["name"]!.GetValue<string>());

        // Every [DurableClient] parameter is a durableClient input binding of the same name; nothing else is bound.
        Assert.Equal(
            function.Method.GetParameters().Where(FunctionDiscovery.IsDurableClient).Select(p => p.Name!).Order(),
            bindings.Where(b => b!["type"]!.GetValue<string>() == "durableClient").Select(b => b!["name"]!.GetValue<string>()).Order());
        string Text(string key) => trigger[key]!.GetValue<string>();
        switch (function.Trigger)
        {
            case HttpTriggerAttribute http:
                Assert.Equal(("httpTrigger", http.Route, http.AuthLevel.ToString()), (Text("type"), Text("route"), Text("authLevel")));
                Assert.Equal(http.Methods!.Select(m => m.ToLowerInvariant()), trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
                Assert.Contains(bindings, b => b!["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
                break;
            case TimerTriggerAttribute timer:
                Assert.Equal(("timerTrigger", timer.Schedule), (Text("type"), Text("schedule")));
                break;
            case QueueTriggerAttribute queue:
                Assert.Equal(("queueTrigger", queue.QueueName, "StorageConnection"), (Text("type"), Text("queueName"), Text("connection")));
                break;
            case BlobTriggerAttribute blob:
                Assert.Equal(("blobTrigger", blob.BlobPath, "StorageConnection", "EventGrid"), (Text("type"), Text("path"), Text("connection"), Text("source")));
                break;
            case OrchestrationTriggerAttribute:
                Assert.Equal("orchestrationTrigger", Text("type"));
                break;
            case ActivityTriggerAttribute:
                Assert.Equal("activityTrigger", Text("type"));
                break;
            default:
                Assert.Fail($"No check for {function.Trigger.GetType().Name}.");
                break;
        }
    }

    [Fact]
    public void Every_keyed_endpoint_needs_a_function_key_and_only_the_webhook_liveness_api_description_and_console_page_are_open()
    {
        // The console's files and the OpenAPI document hold no data: every figure the console shows comes from the keyed API.
        var open = Functions.Where(f => f.Trigger is HttpTriggerAttribute { AuthLevel: AuthorizationLevel.Anonymous }).Select(f => f.Name).Order();
        Assert.Equal(["Console", "GetOpenApiDocument", "Health", "ShopifyWebhook"], open);
        Assert.All(
            Functions.Where(f => f.Trigger is HttpTriggerAttribute && !open.Contains(f.Name)),
            f => Assert.Equal("Function", package.Metadata[f.Name]["bindings"]![0]!["authLevel"]!.GetValue<string>()));
    }

    /// <summary>Publishes, zips and unpacks once; deletes everything afterwards.</summary>
    public sealed class PublishedPackage : IAsyncLifetime
    {
        private readonly string _work = Path.Combine(Path.GetTempPath(), "orderops-package-" + Guid.NewGuid().ToString("N"));

        public string Root => Path.Combine(_work, "unpacked");

        private string Zip => Path.Combine(_work, "orderops-functions.zip");

        public string File(params string[] parts) => Path.Combine([Root, .. parts]);

        /// <summary>functions.metadata by function name.</summary>
        public IReadOnlyDictionary<string, JsonNode> Metadata { get; private set; } = new Dictionary<string, JsonNode>();

        public async Task InitializeAsync()
        {
            var output = Path.Combine(_work, "publish");
            var project = Path.Combine(RepositoryPaths.Root, "functions", "OrderOps.Functions", "OrderOps.Functions.csproj");
            var info = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "publish", project, "-c", RepositoryPaths.BuildConfiguration, "--artifacts-path", Path.Combine(_work, "artifacts"), "-o", output },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var publish = Process.Start(info)!;
            var stdout = publish.StandardOutput.ReadToEndAsync();
            var stderr = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            Assert.True(publish.ExitCode == 0, await stdout + await stderr);

            ZipFile.CreateFromDirectory(output, Zip);
            ZipFile.ExtractToDirectory(Zip, Root);
            Metadata = JsonNode.Parse(await System.IO.File.ReadAllTextAsync(File("functions.metadata")))!.AsArray()
                .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!);
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(_work))
            {
                Directory.Delete(_work, recursive: true);
            }

            return Task.CompletedTask;
        }
    }
}
