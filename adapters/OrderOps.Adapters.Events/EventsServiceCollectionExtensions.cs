using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Http;
using OrderOps.Core.Events;
using Polly;

namespace OrderOps.Adapters.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The named HttpClient every webhook subscriber is called through.</summary>
    public const string WebhookClient = "event-webhooks";

    /// <summary>The Service Bus connection, named after the Functions convention (<c>ServiceBusConnection</c> a connection
    /// string, or <c>ServiceBusConnection__fullyQualifiedNamespace</c> for the managed identity).</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    public static bool IsServiceBusConfigured(IConfiguration configuration) =>
        configuration is not null
        && (!string.IsNullOrEmpty(configuration[ServiceBusConnection]) || !string.IsNullOrEmpty(configuration[$"{ServiceBusConnection}:fullyQualifiedNamespace"]));

    /// <summary>
    /// Registers the outbound events: who subscribes (<see cref="EventSubscriptions"/>, read by the stores inside their
    /// commits), a sink per webhook subscriber (<c>Events:Webhooks:&lt;name&gt;</c>) and for the Service Bus topic when
    /// <c>ServiceBusConnection</c> is configured, and the <see cref="EventDispatcher"/>. Options are validated at start.
    /// </summary>
    public static IServiceCollection AddOutboundEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EventDeliveryOptions>().Bind(configuration.GetSection("Events:Delivery")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EventDeliveryOptions>>().Value);
        services.AddOptions<WebhookDeliveryOptions>().Bind(configuration.GetSection("Events:WebhookDelivery")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClaimCheck>();

        var subscribers = new List<KeyValuePair<string, IReadOnlyCollection<string>?>>();
        foreach (var section in configuration.GetSection("Events:Webhooks").GetChildren())
        {
            var name = section.Key;
            if (name == ServiceBusTopicOptions.SubscriberName)
            {
                throw new OptionsValidationException(name, typeof(WebhookSubscriberOptions), [$"Events:Webhooks:{name}: the name '{name}' is the Service Bus topic's; choose another."]);
            }

            var webhook = section.Get<WebhookSubscriberOptions>() ?? new WebhookSubscriberOptions();
            services.AddOptions<WebhookSubscriberOptions>(name).Bind(section).ValidateDataAnnotations()
                .Validate(o => o.Url is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp), $"Events:Webhooks:{name}:Url must be an absolute http(s) URL.")
                .Validate(o => o.TypeList.All(t => OutboundEventTypes.All.Contains(t)), $"Events:Webhooks:{name}:Types names an unknown event type; known: {string.Join(", ", OutboundEventTypes.All)}.")
                .ValidateOnStart();
            subscribers.Add(new(name, webhook.TypeList));
            services.AddSingleton<IEventSink>(sp => new WebhookEventSink(
                name,
                sp.GetRequiredService<IOptionsMonitor<WebhookSubscriberOptions>>().Get(name),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookClient),
                sp.GetRequiredService<ClaimCheck>()));
        }

        if (IsServiceBusConfigured(configuration))
        {
            AddServiceBusTopic(services, configuration);
            subscribers.Add(new(ServiceBusTopicOptions.SubscriberName, null));
        }

        services.AddSingleton(new EventSubscriptions(subscribers));
        services.AddTransient<WebhookSigningHandler>();
        var webhooks = services.AddHttpClient(WebhookClient);
        webhooks.AddResilienceHandler("event-webhooks", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetryAttempts,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        ShouldRetryAfterHeader = true,
                    })
                    .AddTimeout(options.AttemptTimeout);
            });
        // Added after the resilience handler, so it is inside it: every retry is signed afresh.
        webhooks.AddHttpMessageHandler<WebhookSigningHandler>();
        webhooks.ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value;
                client.Timeout = RateLimitedPushPipeline.ClientTimeout(options.AttemptTimeout, options.MaxRetryAttempts);
            });
        services.AddSingleton<EventDispatcher>();
        return services;
    }

    private static void AddServiceBusTopic(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServiceBusTopicOptions>().Bind(configuration.GetSection("Events:ServiceBus")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            if (configuration[ServiceBusConnection] is { Length: > 0 } connectionString)
            {
                return new ServiceBusClient(connectionString);
            }

            // Managed identity: the app's identity holds Azure Service Bus Data Sender on the namespace (infra/resources.bicep).
            var credential = sp.GetService<TokenCredential>() ?? new DefaultAzureCredential();
            return new ServiceBusClient(configuration[$"{ServiceBusConnection}:fullyQualifiedNamespace"], credential);
        });
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<ServiceBusTopicOptions>>().Value.Topic));
        services.AddSingleton<IEventSink>(sp => new ServiceBusEventSink(sp.GetRequiredService<ServiceBusSender>(), sp.GetRequiredService<ClaimCheck>()));
    }
}
