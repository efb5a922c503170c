using System.ComponentModel.DataAnnotations;

namespace OrderOps.Adapters.Events;

/// <summary>One webhook subscriber (<c>Events:Webhooks:&lt;name&gt;</c>).</summary>
public sealed class WebhookSubscriberOptions
{
    [Required]
    public Uri? Url { get; set; }

    /// <summary>Signs every request (<see cref="WebhookSignature"/>); never logged.</summary>
    [Required]
    [MinLength(16)]
    public string? Secret { get; set; }

    /// <summary>The event types it wants, comma-separated (or a list); empty for all.</summary>
    public string? Types { get; set; }

    public IReadOnlyCollection<string> TypeList =>
        (Types ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>The webhook resilience pipeline (<c>Events:WebhookDelivery</c>): retries within one dispatcher round.</summary>
public sealed class WebhookDeliveryOptions
{
    [Range(1, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A receiver slower than this fails the attempt; the dispatcher never waits longer on one subscriber.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The Service Bus topic (<c>Events:ServiceBus</c>), used when <c>ServiceBusConnection</c> is configured.</summary>
public sealed class ServiceBusTopicOptions
{
    public const string SubscriberName = "servicebus";

    [Required]
    public string Topic { get; set; } = "order-events";
}
