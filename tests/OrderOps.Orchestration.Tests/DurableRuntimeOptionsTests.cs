using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderOps.Durable;

namespace OrderOps.Orchestration.Tests;

public sealed class DurableRuntimeOptionsTests
{
    [Fact]
    public async Task Invalid_settings_stop_the_host_at_start_with_every_problem_named()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOrderOpsDurable(
            options =>
            {
                options.Backend = DurableBackend.AzureStorage;
                options.TaskHubName = "x";
            },
            _ => { });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("AzureStorageConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("TaskHubName 'x'", StringComparison.Ordinal));
    }
}
