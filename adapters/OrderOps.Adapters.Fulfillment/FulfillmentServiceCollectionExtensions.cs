using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;
using Polly;

namespace OrderOps.Adapters.Fulfillment;

public static class FulfillmentServiceCollectionExtensions
{
    /// <summary>Registers <see cref="HttpFulfillmentLocation"/> with retry (exponential, jitter) and a per-attempt timeout.</summary>
    public static IServiceCollection AddHttpFulfillmentLocations(this IServiceCollection services)
    {
        services.AddHttpClient(HttpFulfillmentLocation.ClientName)
            .AddResilienceHandler("fulfillment", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<FulfillmentOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(0, settings.MaxRetries),
                        Delay = settings.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    })
                    .AddTimeout(settings.AttemptTimeout);
            });
        services.AddSingleton<IFulfillmentLocation, HttpFulfillmentLocation>();
        return services;
    }
}
