namespace OrderOps.Hosting.Standalone;

/// <summary>Standalone-mode settings, bound from <c>OrderOps:Standalone</c>.</summary>
public sealed class StandaloneOptions
{
    /// <summary>
    /// False pauses every pump: HTTP still accepts (and durably queues) work, nothing is processed until a restart
    /// with pumps on. For maintenance windows, and how the lossless test parks work between ack and processing.
    /// </summary>
    public bool RunPumps { get; set; } = true;

    /// <summary>Overrides every queue trigger's visibility timeout (how long a crashed invocation's message stays hidden).</summary>
    public TimeSpan? VisibilityTimeout { get; set; }

    /// <summary>How often an idle queue pump looks for messages that became visible on their own (retries, scheduled).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
