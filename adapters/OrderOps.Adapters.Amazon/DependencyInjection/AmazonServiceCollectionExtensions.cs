using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon;
using OrderOps.Adapters.Amazon.Auth;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Core.Ingest;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Microsoft.Extensions.DependencyInjection;

public static class AmazonServiceCollectionExtensions
{
    /// <summary>Pipeline (retry + circuit breaker) built once per seller account.</summary>
    public const string AccountPipelineName = "amazon-spapi-account";

    /// <summary>Pipeline (rate limiter + attempt timeout) shared by all requests; it picks the seller + operation bucket itself.</summary>
    public const string OperationPipelineName = "amazon-spapi-operation";

    /// <summary>Retry pipeline of the Login with Amazon token endpoint.</summary>
    public const string LwaPipelineName = "amazon-lwa";

    /// <summary>
    /// Registers the Amazon channel: <see cref="AmazonOptions"/> bound from <c>Channels:Amazon</c> of
    /// <paramref name="configuration"/> (the app's root configuration), the LWA token provider, the SP-API client with
    /// its handler chain, <see cref="AmazonOrderMapper"/> as an <see cref="IChannelOrderMapper"/>, and
    /// <see cref="AmazonOrderPoller"/>. The host must register <c>ICheckpointStore</c>, <c>IRawArchive</c> and
    /// <c>IMessageQueue</c>.
    /// </summary>
    /// <remarks>
    /// Handler order, outermost first: retry (exponential backoff with jitter, Retry-After honoured) → circuit breaker
    /// (one per seller account) → access token → rate limiter (token bucket per seller + operation; waiting for a
    /// token is not counted by the attempt timeout) → attempt timeout → rate-limit header feedback → network.
    /// </remarks>
    public static IServiceCollection AddAmazonChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(AmazonOptions.SectionName);
        var retired = RetiredRateLimits(section);

        services.AddOptions<AmazonOptions>()
            .Bind(section)
            .PostConfigure(options => AcceptCommaSeparatedMarketplaces(options, section))
            .Validate(_ => retired.Count == 0, string.Join(" ", retired))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AmazonOptions>, AmazonOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // Token refreshes are rare and small: retries with backoff, bounded by the client's own timeout.
        services.AddHttpClient(LwaAccessTokenProvider.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = TimeSpan.FromSeconds(30))
            .AddResilienceHandler(LwaPipelineName, ConfigureLwaPipeline);
        services.TryAddSingleton<ILwaAccessTokenProvider, LwaAccessTokenProvider>();
        services.TryAddSingleton<SpApiRateLimiterRegistry>();
        services.TryAddTransient<SpApiAuthHandler>();
        services.TryAddTransient<RateLimitHeaderHandler>();
        services.TryAddSingleton<SellingPartnerOrdersClient>();

        var spApi = services.AddHttpClient(SellingPartnerOrdersClient.HttpClientName)
            // A request may wait minutes for a searchOrders token (one every 178 s once the burst is spent); the attempt timeout bounds the wire time.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        spApi.AddResilienceHandler(AccountPipelineName, ConfigureAccountPipeline)
            // The factory probes the selector with a bare request when it builds the handler, hence the fallback key.
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(SpApiRequest.SellerId, out var sellerId) ? sellerId : "(no seller)");
        spApi.AddHttpMessageHandler<SpApiAuthHandler>();
        spApi.AddResilienceHandler(OperationPipelineName, ConfigureOperationPipeline);
        spApi.AddHttpMessageHandler<RateLimitHeaderHandler>();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelOrderMapper, AmazonOrderMapper>());
        services.TryAddSingleton<AmazonOrderMapper>();
        services.TryAddSingleton<AmazonOrderPoller>();
        services.TryAddSingleton<AmazonPollLag>();
        return services;
    }

    private static void ConfigureLwaPipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<AmazonOptions>>().CurrentValue;
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Min(options.Retry.MaxRetryAttempts, 3),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.Retry.BaseDelay,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, includeThrottling: true)),
        });
    }

    private static void ConfigureAccountPipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<AmazonOptions>>().CurrentValue;
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.Retry.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.Retry.BaseDelay,
            MaxDelay = options.Retry.MaxDelay,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, includeThrottling: true)),
        });
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitBreaker.FailureRatio,
            MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
            SamplingDuration = options.CircuitBreaker.SamplingDuration,
            BreakDuration = options.CircuitBreaker.BreakDuration,
            // Throttling means "slow down", which the rate limiter and retry do; it says nothing about the account's health.
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, includeThrottling: false)),
        });
    }

    private static void ConfigureOperationPipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var registry = context.ServiceProvider.GetRequiredService<SpApiRateLimiterRegistry>();
        var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<AmazonOptions>>().CurrentValue;
        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            RateLimiter = args =>
            {
                var request = args.Context.GetRequestMessage()
                    ?? throw new InvalidOperationException("The resilience context carries no request message.");
                return registry.Get(SpApiRequest.GetSellerId(request), SpApiRequest.GetOperation(request))
                    .AcquireAsync(1, args.Context.CancellationToken);
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, bool includeThrottling) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500
            || response.StatusCode == HttpStatusCode.RequestTimeout
            || (includeThrottling && response.StatusCode == HttpStatusCode.TooManyRequests),
        _ => false,
    };

    /// <summary>v0 usage plans still configured: silently ignoring them would leave an operator's tuning unapplied.</summary>
    private static List<string> RetiredRateLimits(IConfigurationSection section) =>
        AmazonRateLimits.Retired
            .Where(retired => section.GetSection($"RateLimits:{retired.Key}").Exists())
            .Select(retired => $"{AmazonOptions.SectionName}:RateLimits:{retired.Key} belongs to the retired Orders API v0; configure {AmazonOptions.SectionName}:RateLimits:{retired.Value} (Orders API v2026-01-01) instead.")
            .ToList();

    private static void AcceptCommaSeparatedMarketplaces(AmazonOptions options, IConfigurationSection section)
    {
        foreach (var (sellerId, account) in options.Accounts)
        {
            var configured = section.GetSection($"Accounts:{sellerId}:MarketplaceIds");
            var values = configured.Value is { Length: > 0 } single ? [single] : account.MarketplaceIds;
            account.MarketplaceIds = values
                .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
    }
}
