namespace OrderOps.Hosting.Registry;

/// <summary>What starts a function. <see cref="BindingName"/> is the key of the trigger's value in the envelope's <c>Data</c>.</summary>
public abstract record FunctionTrigger(string BindingName);

public enum HttpAuthLevel
{
    /// <summary>No key: only for endpoints that authenticate otherwise (signed webhooks) or reveal nothing (health).</summary>
    Anonymous,

    /// <summary>Requires a key in <c>x-functions-key</c> (or <c>?code=</c>), like Azure Functions function keys.</summary>
    Function,
}

/// <summary>An HTTP request. <paramref name="Route"/> is the full path template: host.json sets routePrefix to "".</summary>
public sealed record HttpTrigger(string Route, IReadOnlyList<string> Methods, HttpAuthLevel AuthLevel) : FunctionTrigger("req");

/// <summary>
/// A six-field NCRONTAB schedule (seconds first), in UTC. <paramref name="ScheduleSetting"/>, when given, names the
/// configuration key that may override <paramref name="Schedule"/> (e.g. <c>Channels:Amazon:PollSchedule</c>).
/// </summary>
public sealed record TimerTrigger(string Schedule, string? ScheduleSetting = null, bool RunOnStartup = false) : FunctionTrigger("timer");

/// <summary>
/// A message on a named queue: the embedded durable queue in standalone mode, a Service Bus queue on Azure
/// (<paramref name="Connection"/> names the app setting prefix of the Service Bus connection).
/// </summary>
public sealed record QueueTrigger(string QueueName, string Connection = QueueTrigger.DefaultConnection) : FunctionTrigger("message")
{
    public const string DefaultConnection = "ServiceBusConnection";

    /// <summary>How many messages one instance processes at once (Service Bus's maxConcurrentCalls default is 16).</summary>
    public int MaxConcurrentCalls { get; init; } = 16;

    /// <summary>How long a received message stays invisible to others (the Service Bus lock duration).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A change feed: every change to a Cosmos DB container on Azure; the embedded change log in standalone mode.
/// The trigger value is a JSON array of changed documents, as the Cosmos DB trigger delivers it.
/// </summary>
public sealed record ChangeFeedTrigger(string ContainerName, string LeaseContainerName = "leases", string Connection = ChangeFeedTrigger.DefaultConnection)
    : FunctionTrigger("documents")
{
    public const string DefaultConnection = "CosmosDbConnection";
}

/// <summary>A new file in a blob container on Azure; a file dropped into an inbox folder in standalone mode.</summary>
public sealed record BlobTrigger(string Path, string Connection = BlobTrigger.DefaultConnection) : FunctionTrigger("blob")
{
    public const string DefaultConnection = "StorageConnection";
}
