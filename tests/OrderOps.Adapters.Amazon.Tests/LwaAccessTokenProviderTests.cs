using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Adapters.Amazon.Auth;
using OrderOps.Adapters.Amazon.Tests.Doubles;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

public sealed class LwaAccessTokenProviderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private FakeSellingPartnerApi _fake = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeSellingPartnerApi.StartAsync();
        _fake.AddSeller(AmazonTestHost.SellerA, AmazonTestHost.RefreshTokenA);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Amazon:LwaEndpoint"] = _fake.LwaEndpoint.ToString(),
            ["Channels:Amazon:ClientId"] = FakeSellingPartnerApi.ClientId,
            ["Channels:Amazon:ClientSecret"] = FakeSellingPartnerApi.ClientSecret,
            [$"Channels:Amazon:Accounts:{AmazonTestHost.SellerA}:RefreshToken"] = AmazonTestHost.RefreshTokenA,
            [$"Channels:Amazon:Accounts:{AmazonTestHost.SellerA}:MarketplaceIds"] = AmazonTestHost.Marketplace,
            ["Channels:Amazon:Accounts:UNKNOWNSELLER:RefreshToken"] = "Atzr|revoked",
            ["Channels:Amazon:Accounts:UNKNOWNSELLER:MarketplaceIds"] = AmazonTestHost.Marketplace,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ICheckpointStore, InMemoryCheckpointStore>();
        services.AddSingleton<IRawArchive, InMemoryRawArchive>();
        services.AddSingleton<IMessageQueue, InMemoryMessageQueue>();
        services.AddAmazonChannel(configuration);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private ILwaAccessTokenProvider Provider => _services.GetRequiredService<ILwaAccessTokenProvider>();

    [Fact]
    public async Task Caches_the_token_until_shortly_before_it_expires()
    {
        var first = await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default);
        _time.Advance(TimeSpan.FromMinutes(58));
        Assert.Equal(first, await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default));
        Assert.Equal(1, _fake.TokenRequests);

        _time.Advance(TimeSpan.FromSeconds(90)); // 59.5 min: inside the default one-minute refresh margin.
        var second = await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default);

        Assert.NotEqual(first, second);
        Assert.Equal(2, _fake.TokenRequests);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_refresh()
    {
        var tokens = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default).AsTask()));

        Assert.Single(tokens.Distinct());
        Assert.Equal(1, _fake.TokenRequests);
    }

    [Fact]
    public async Task Invalidate_forces_a_refresh_but_keeps_a_newer_token()
    {
        var first = await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default);
        Provider.Invalidate(AmazonTestHost.SellerA, first);
        var second = await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default);
        Provider.Invalidate(AmazonTestHost.SellerA, first); // A stale report about the old token changes nothing.

        Assert.Equal(second, await Provider.GetAccessTokenAsync(AmazonTestHost.SellerA, default));
        Assert.Equal(2, _fake.TokenRequests);
    }

    [Fact]
    public async Task A_refused_refresh_token_is_a_precise_error_without_the_secret()
    {
        var error = await Assert.ThrowsAsync<AmazonAuthenticationException>(() => Provider.GetAccessTokenAsync("UNKNOWNSELLER", default).AsTask());

        Assert.Equal("invalid_grant", error.Error);
        Assert.DoesNotContain("Atzr|revoked", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSellingPartnerApi.ClientSecret, error.Message, StringComparison.Ordinal);
    }
}
