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

    /// <summary>
    /// Root of the folders that stand in for blob containers: <c>{DataDirectory}/blobs/{container}/{name}</c>. The
    /// composition root sets it to <c>OrderOps:DataDirectory</c>.
    /// </summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, "data");

    /// <summary>How often a blob-trigger pump looks for new files in its folder.</summary>
    public TimeSpan BlobPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a blob-triggered invocation is tried before its file is moved to the poison folder (Azure: 5).</summary>
    public int MaxBlobAttempts { get; set; } = 5;

    /// <summary>How often an idle queue pump looks for messages that became visible on their own (retries, scheduled).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
