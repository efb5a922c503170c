namespace OrderOps.Hosting.Registry;

/// <summary>Where a function's named output goes. A handler returns values under <see cref="Name"/>.</summary>
public abstract record OutputBinding(string Name);

/// <summary>
/// Messages to a queue: Service Bus output binding on Azure, the embedded queue in standalone mode. The value is
/// one message or an array of messages; each message is a JSON value or a string.
/// </summary>
public sealed record QueueOutput(string Name, string QueueName, string Connection = QueueTrigger.DefaultConnection) : OutputBinding(Name);

/// <summary>
/// A blob written from the value (text): a blob output binding on Azure, a file under the data directory's
/// <c>blobs/</c> folder in standalone mode. <paramref name="Path"/> is <c>container/name</c> and may use the trigger's
/// metadata, e.g. <c>edi-outbox/{name}.997</c>.
/// </summary>
public sealed record BlobOutput(string Name, string Path, string Connection = BlobTrigger.DefaultConnection) : OutputBinding(Name);
