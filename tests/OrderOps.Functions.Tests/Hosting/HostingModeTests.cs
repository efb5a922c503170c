using Microsoft.Extensions.Configuration;
using OrderOps.Hosting;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>The mode is the Functions host's when it launched us, standalone otherwise, and a setting can force either.</summary>
public sealed class HostingModeTests
{
    [Fact]
    public void The_functions_hosts_launch_arguments_mean_functions_mode()
    {
        // As the host starts a dotnet-isolated worker (azure-functions-host RpcWorkerContext).
        string[] args = ["--host", "127.0.0.1", "--port", "40123", "--functions-uri", "http://127.0.0.1:40123/", "--functions-worker-id", "w1"];

        Assert.Equal(HostingMode.Functions, HostingModes.Resolve(args, Settings()));
    }

    [Fact]
    public void The_worker_endpoint_setting_means_functions_mode_and_the_worker_runtime_setting_does_not()
    {
        Assert.Equal(HostingMode.Functions, HostingModes.Resolve([], Settings(("Functions:Worker:HostEndpoint", "http://127.0.0.1:40123/"))));
        Assert.Equal(HostingMode.Standalone, HostingModes.Resolve([], Settings(("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated"))));
        Assert.Equal(HostingMode.Standalone, HostingModes.Resolve(["--urls", "http://localhost:7071"], Settings()));
    }

    [Fact]
    public void A_setting_forces_a_mode_and_an_unknown_one_is_refused_naming_the_choices()
    {
        Assert.Equal(HostingMode.Standalone, HostingModes.Resolve(["--functions-uri", "http://127.0.0.1:1/"], Settings((HostingModes.Setting, "standalone"))));
        var ex = Assert.Throws<InvalidOperationException>(() => HostingModes.Resolve([], Settings((HostingModes.Setting, "CustomHandler"))));
        Assert.Contains("Standalone, Functions", ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
