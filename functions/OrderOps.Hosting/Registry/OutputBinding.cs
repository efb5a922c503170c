namespace OrderOps.Hosting.Registry;

/// <summary>Where a function's named output goes. A handler returns values under <see cref="Name"/>.</summary>
public abstract record OutputBinding(string Name);

/// <summary>
/// Messages to a queue: Service Bus output binding on Azure, the embedded queue in standalone mode. The value is
/// one message or an array of messages; each message is a JSON value or a string.
/// </summary>
public sealed record QueueOutput(string Name, string QueueName, string Connection = QueueTrigger.DefaultConnection) : OutputBinding(Name);
