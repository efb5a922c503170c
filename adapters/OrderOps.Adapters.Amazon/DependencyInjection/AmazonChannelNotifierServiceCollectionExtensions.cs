using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon;
using OrderOps.Adapters.Amazon.Client;
using OrderOps.Adapters.Amazon.Fulfillment;
using OrderOps.Core.Ports;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

public static class AmazonChannelNotifierServiceCollectionExtensions
{
    /// <summary>Retry pipeline of the presigned feed document URLs (upload and download).</summary>
    public const string FeedDocumentsPipelineName = "amazon-feed-documents";

    /// <summary>
    /// Registers <see cref="AmazonChannelNotifier"/> as the <see cref="IChannelNotifier"/> of the <c>amazon</c> channel,
    /// with the Feeds client it cancels orders through. Needs <c>AddAmazonChannel</c> (options, SP-API client and its
    /// handler chain) and the host's <see cref="ICheckpointStore"/> (where cancellation feed ids are remembered).
    /// Without any Amazon account configured the app still starts; the notifier then answers Failed naming the missing
    /// account for anything Amazon would have to be told.
    /// </summary>
    public static IServiceCollection AddAmazonChannelNotifier(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(SellingPartnerFeedsClient.DocumentsHttpClientName)
            .AddResilienceHandler(FeedDocumentsPipelineName, pipeline => pipeline
                .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(1), BackoffType = DelayBackoffType.Exponential, UseJitter = true })
                .AddTimeout(TimeSpan.FromSeconds(60)));
        services.TryAddSingleton<SellingPartnerFeedsClient>();
        services.TryAddSingleton(sp => new AmazonOrderCanceller(
            sp.GetRequiredService<SellingPartnerFeedsClient>(),
            sp.GetRequiredService<ICheckpointStore>(),
            sp.GetRequiredService<IOptionsMonitor<AmazonOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AmazonOrderCanceller>>()));
        services.AddSingleton<IChannelNotifier>(sp => new AmazonChannelNotifier(
            sp.GetRequiredService<SellingPartnerOrdersClient>(),
            sp.GetRequiredService<AmazonOrderCanceller>(),
            sp.GetRequiredService<IOptionsMonitor<AmazonOptions>>(),
            sp.GetRequiredService<ILogger<AmazonChannelNotifier>>()));
        return services;
    }
}
