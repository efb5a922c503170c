using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Fulfillment;
using OrderOps.Core.Ports;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>The webhook-out location adapter against a real HTTP location: answers mapped, retries bounded, keys sent.</summary>
public sealed class HttpFulfillmentLocationTests : IAsyncLifetime
{
    private FakeOutsideWorld _world = null!;
    private ServiceProvider _services = null!;
    private IFulfillmentLocation _locations = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        var services = new ServiceCollection();
        services.Configure<FulfillmentOptions>(o =>
        {
            o.Locations["east"] = new FulfillmentLocationOptions { Url = _world.LocationUrl("east"), ApiKey = "k" };
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        services.AddHttpFulfillmentLocations();
        _services = services.BuildServiceProvider();
        _locations = _services.GetRequiredService<IFulfillmentLocation>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Theory]
    [InlineData(200, FulfillmentCallStatus.Accepted, 1)]
    [InlineData(202, FulfillmentCallStatus.Accepted, 1)]
    [InlineData(422, FulfillmentCallStatus.Rejected, 1)]
    [InlineData(503, FulfillmentCallStatus.Unavailable, 3)]
    public async Task A_release_is_posted_and_the_answer_mapped_retrying_only_what_is_transient(int status, FulfillmentCallStatus expected, int calls)
    {
        _world.LocationStatus["east"] = status;

        var result = await _locations.ReleaseAsync(new FulfillmentRelease { LocationId = "east", OrderId = "shopify:s:1", AttemptId = "shopify:s:1", Channel = "shopify", Lines = [new("1", "A", 2)] }, default);

        Assert.Equal(expected, result.Status);
        Assert.Equal(calls, _world.LocationCalls.Count);
        Assert.All(_world.LocationCalls, c => Assert.Equal(("release", "shopify:s:1"), (c.Type, c.OrderId)));
        Assert.Single(_world.LocationCalls, c => c.First); // one idempotency key, however many attempts
    }

    [Fact]
    public async Task Bodies_go_out_with_a_content_length_not_chunked_on_every_attempt()
    {
        _world.LocationStatus["east"] = 503;

        await _locations.ReleaseAsync(new FulfillmentRelease { LocationId = "east", OrderId = "shopify:s:2", AttemptId = "shopify:s:2", Channel = "shopify", Lines = [new("1", "A", 2)] }, default);
        await _locations.CancelAsync(new FulfillmentCancel("east", "shopify:s:2", "shopify:s:2", "customer"), default);

        Assert.Equal(6, _world.LocationBodies.Count);
        Assert.All(_world.LocationBodies, b => Assert.Equal((true, false), (b.ContentLength > 0, b.Chunked)));
    }

    [Fact]
    public async Task A_cancel_answered_409_already_shipped_is_reported_as_such()
    {
        _world.LocationStatus["east"] = 409;

        var result = await _locations.CancelAsync(new FulfillmentCancel("east", "shopify:s:1", "shopify:s:1", "customer"), default);

        Assert.Equal(FulfillmentCallStatus.AlreadyShipped, result.Status);
        Assert.Single(_world.LocationCalls);
    }

    [Fact]
    public async Task An_unconfigured_location_is_refused_without_a_call()
    {
        var result = await _locations.CancelAsync(new FulfillmentCancel("nowhere", "shopify:s:1", "shopify:s:1", "customer"), default);

        Assert.Equal(FulfillmentCallStatus.Rejected, result.Status);
        Assert.Contains("Fulfillment:Locations:nowhere:Url", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_world.LocationCalls);
    }
}
