namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>The orchestration store could not read or write (damaged or locked file, full disk); the message says which.</summary>
public sealed class OrchestrationStoreException : Exception
{
    public OrchestrationStoreException()
    {
    }

    public OrchestrationStoreException(string message)
        : base(message)
    {
    }

    public OrchestrationStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A payload (input, output, event data, custom status) is over <see cref="SqliteOrchestrationOptions.MaxPayloadBytes"/>.</summary>
public sealed class OrchestrationPayloadTooLargeException : ArgumentException
{
    public OrchestrationPayloadTooLargeException()
    {
    }

    public OrchestrationPayloadTooLargeException(string message)
        : base(message)
    {
    }

    public OrchestrationPayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OrchestrationPayloadTooLargeException(string instanceId, string what, int bytes, int limit)
        : base($"The {what} of orchestration instance '{instanceId}' is {bytes} bytes, over the configured limit of {limit} bytes; nothing was written.")
    {
        InstanceId = instanceId;
    }

    public string? InstanceId { get; }
}
