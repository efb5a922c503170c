using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Durable;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;
using OrderOps.Functions.Operations.Health;

namespace OrderOps.Functions.Tests.Operations;

/// <summary><c>/api/health</c> is keyed, reports every check, and turns degraded or unhealthy by the documented rules.</summary>
public sealed class HealthApiTests
{
    [Fact]
    public async Task A_quiet_app_is_healthy_and_says_so_check_by_check_behind_its_key()
    {
        using var app = new AppFactory();
        using var anonymous = app.CreateClient();
        using var keyed = app.CreateKeyedClient();

        using var refused = await anonymous.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var answered = await keyed.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal(["channels", "lifecycle", "queues", "storage"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("healthy", c.Value.GetProperty("status").GetString()));
        Assert.Equal(0, checks.GetProperty("queues").GetProperty("data").GetProperty("ingest").GetProperty("count").GetInt64());
        Assert.Equal(0, checks.GetProperty("lifecycle").GetProperty("data").GetProperty("failedInstances").GetInt32());
    }

    [Fact]
    public async Task An_amazon_account_never_polled_makes_the_app_degraded_not_unhealthy()
    {
        using var app = new AppFactory(new Dictionary<string, string>
        {
            ["Channels:Amazon:ClientId"] = "amzn1.application-oa2-client.test",
            ["Channels:Amazon:ClientSecret"] = "secret",
            ["Channels:Amazon:Accounts:A2SELLER:RefreshToken"] = "Atzr|seller",
            ["Channels:Amazon:Accounts:A2SELLER:MarketplaceIds:0"] = "ATVPDKIKX0DER",
            // Not during this test: the poll would reach for Amazon.
            ["Channels:Amazon:PollSchedule"] = "0 0 0 1 1 *",
        });
        using var keyed = app.CreateKeyedClient();

        using var answered = await keyed.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        var channels = body.GetProperty("checks").GetProperty("channels");
        Assert.Contains("A2SELLER/ATVPDKIKX0DER: never polled", channels.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_order_orchestration_turns_the_lifecycle_degraded_and_a_running_one_does_not()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orderops-health-durable", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOrderOpsDurable(
            o => o.Sqlite.DataDirectory = directory,
            registry => registry
                .AddOrchestratorFunc<string, string>("Boom", (_, _) => Task.FromException<string>(new InvalidOperationException("boom")))
                .AddOrchestratorFunc<string, string>("Waits", (context, _) => context.WaitForExternalEvent<string>("never")));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var check = new LifecycleHealthCheck(host.Services, TimeProvider.System, Options.Create(new HealthOptions()));
            await client.ScheduleNewOrchestrationInstanceAsync("Waits", "x", new StartOrchestrationOptions(OrderLifecycleNames.InstanceId("shopify:s:1")));
            await client.WaitForInstanceStartAsync(OrderLifecycleNames.InstanceId("shopify:s:1"));
            Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

            await client.ScheduleNewOrchestrationInstanceAsync("Boom", "x", new StartOrchestrationOptions(OrderLifecycleNames.InstanceId("shopify:s:2")));
            await client.WaitForInstanceCompletionAsync(OrderLifecycleNames.InstanceId("shopify:s:2"));
            var result = await check.CheckHealthAsync(new HealthCheckContext());

            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.Equal(1, result.Data["failedInstances"]);
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(1, "Healthy")]
    [InlineData(6, "Degraded")]
    [InlineData(31, "Unhealthy")]
    public async Task A_queue_whose_oldest_message_waits_too_long_turns_degraded_then_unhealthy(int minutesWaiting, string expected)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        using var app = new AppFactory();
        var receiver = app.Services.GetRequiredService<IQueueReceiver>();
        var backlog = new FixedBacklog(QueueNames.Ingest, new QueueBacklog(3, time.GetUtcNow().AddMinutes(-minutesWaiting)));
        var check = new QueueHealthCheck(backlog, receiver, time, Options.Create(new HealthOptions()));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(Enum.Parse<HealthStatus>(expected), result.Status);
    }

    private sealed class FixedBacklog(string queue, QueueBacklog backlog) : IQueueBacklog
    {
        public Task<QueueBacklog> GetBacklogAsync(string queueName, CancellationToken cancellationToken) =>
            Task.FromResult(queueName == queue ? backlog : new QueueBacklog(0, null));
    }
}
