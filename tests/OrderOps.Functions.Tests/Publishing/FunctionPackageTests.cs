using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using OrderOps.Hosting.Publishing;
using OrderOps.Hosting.Registry;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Publishing;

/// <summary>
/// `dotnet publish` of the Function app, zipped as zip deploy (and azd) would, then unpacked: the package must be what
/// the Azure Functions host expects at its root — host.json naming the custom handler, the self-contained executable
/// it names, and one {Function}/function.json per registered function whose bindings are exactly the registry's.
/// Published once for the class (it takes a while) into its own artifacts folder, so the solution's build output is
/// never touched while other tests run.
/// </summary>
public sealed class FunctionPackageTests(FunctionPackageTests.PublishedPackage package) : IClassFixture<FunctionPackageTests.PublishedPackage>
{
    private static readonly FunctionRegistry Registry = FunctionCatalog.Create();

    [Fact]
    public void Host_json_is_at_the_root_and_names_an_executable_that_is_there()
    {
        var host = JsonNode.Parse(File.ReadAllText(package.File("host.json")))!;
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        var executable = host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>();
        Assert.True(File.Exists(package.File(executable)), $"host.json names '{executable}', which is not in the package.");
        Assert.True(host["customHandler"]!["enableProxyingHttpRequest"]!.GetValue<bool>());
        Assert.Equal(string.Empty, host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host["extensionBundle"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void The_app_is_self_contained_for_linux_x64_and_executable_in_the_zip()
    {
        // Flex Consumption's custom runtime brings no .NET: the runtime must travel with the app.
        Assert.True(File.Exists(package.File("libcoreclr.so")), "The package does not carry the .NET runtime (libcoreclr.so).");
        var runtimeConfig = JsonNode.Parse(File.ReadAllText(package.File("OrderOps.Functions.runtimeconfig.json")))!;
        Assert.NotNull(runtimeConfig["runtimeOptions"]!["includedFrameworks"]);
        Assert.True(package.IsExecutableInZip("OrderOps.Functions"), "The executable lost its execute permission in the zip.");
    }

    [Fact]
    public void There_is_exactly_one_function_json_per_registered_function()
    {
        var folders = Directory.GetDirectories(package.Root).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).Order();
        Assert.Equal(Registry.Functions.Select(f => f.Name).Order(), folders);
    }

    public static TheoryData<string> Functions()
    {
        var data = new TheoryData<string>();
        foreach (var function in Registry.Functions)
        {
            data.Add(function.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_binding_in_the_package_matches_the_registry(string name)
    {
        var function = Registry[name];
        var written = JsonNode.Parse(File.ReadAllText(package.File(name, "function.json")))!;
        Assert.True(JsonNode.DeepEquals(FunctionMetadataWriter.Build(function), written), $"{name}/function.json differs from the registry.");

        var bindings = written["bindings"]!.AsArray();
        var trigger = bindings[0]!;
        Assert.Equal("in", trigger["direction"]!.GetValue<string>());
        Assert.Equal(function.Trigger.BindingName, trigger["name"]!.GetValue<string>());
        switch (function.Trigger)
        {
            case HttpTrigger http:
                Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
                Assert.Equal(http.Route, trigger["route"]!.GetValue<string>());
                Assert.Equal(http.AuthLevel == HttpAuthLevel.Function ? "function" : "anonymous", trigger["authLevel"]!.GetValue<string>());
                Assert.Equal(http.Methods.Select(m => m.ToLowerInvariant()), trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
                Assert.Equal("http", bindings[1]!["type"]!.GetValue<string>());
                break;
            case QueueTrigger queue:
                Assert.Equal(("serviceBusTrigger", queue.QueueName, queue.Connection), (trigger["type"]!.GetValue<string>(), trigger["queueName"]!.GetValue<string>(), trigger["connection"]!.GetValue<string>()));
                break;
            case TimerTrigger timer:
                Assert.Equal("timerTrigger", trigger["type"]!.GetValue<string>());
                Assert.Equal(timer.ScheduleSetting is { } setting ? $"%{FunctionMetadataWriter.AppSettingName(setting)}%" : timer.Schedule, trigger["schedule"]!.GetValue<string>());
                break;
            case ChangeFeedTrigger feed:
                Assert.Equal(("cosmosDBTrigger", feed.ContainerName, feed.LeaseContainerName, feed.Connection), (trigger["type"]!.GetValue<string>(), trigger["containerName"]!.GetValue<string>(), trigger["leaseContainerName"]!.GetValue<string>(), trigger["connection"]!.GetValue<string>()));
                break;
            case BlobTrigger blob:
                Assert.Equal(("blobTrigger", blob.Path, blob.Connection, "EventGrid"), (trigger["type"]!.GetValue<string>(), trigger["path"]!.GetValue<string>(), trigger["connection"]!.GetValue<string>(), trigger["source"]!.GetValue<string>()));
                break;
            default:
                Assert.Fail($"No check for {function.Trigger.GetType().Name}.");
                break;
        }

        var outputs = bindings.Skip(function.Trigger is HttpTrigger ? 2 : 1).ToList();
        Assert.Equal(function.Outputs.Count, outputs.Count);
        foreach (var (output, binding) in function.Outputs.Zip(outputs))
        {
            Assert.Equal(("out", output.Name), (binding!["direction"]!.GetValue<string>(), binding["name"]!.GetValue<string>()));
            switch (output)
            {
                case QueueOutput q:
                    Assert.Equal(("serviceBus", q.QueueName, q.Connection), (binding["type"]!.GetValue<string>(), binding["queueName"]!.GetValue<string>(), binding["connection"]!.GetValue<string>()));
                    break;
                case BlobOutput b:
                    Assert.Equal(("blob", b.Path, b.Connection), (binding["type"]!.GetValue<string>(), binding["path"]!.GetValue<string>(), binding["connection"]!.GetValue<string>()));
                    break;
                default:
                    Assert.Fail($"No check for {output.GetType().Name}.");
                    break;
            }
        }
    }

    /// <summary>Publishes, zips and unpacks once; deletes everything afterwards.</summary>
    public sealed class PublishedPackage : IAsyncLifetime
    {
        private readonly string _work = Path.Combine(Path.GetTempPath(), "orderops-package-" + Guid.NewGuid().ToString("N"));

        public string Root => Path.Combine(_work, "unpacked");

        private string Zip => Path.Combine(_work, "orderops-functions.zip");

        public string File(params string[] parts) => Path.Combine([Root, .. parts]);

        public bool IsExecutableInZip(string entryName)
        {
            using var zip = ZipFile.OpenRead(Zip);
            var entry = zip.GetEntry(entryName) ?? throw new FileNotFoundException(entryName);
            const int ownerExecute = 0b001_000_000; // 0100 octal, in the Unix mode kept in the upper 16 bits
            return ((entry.ExternalAttributes >> 16) & ownerExecute) != 0;
        }

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
