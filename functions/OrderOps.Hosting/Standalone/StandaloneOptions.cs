using System.ComponentModel.DataAnnotations;

namespace OrderOps.Hosting.Standalone;

/// <summary>Standalone-mode settings, bound from <c>OrderOps:Standalone</c> and validated at start.</summary>
public sealed class StandaloneOptions
{
    public const string Section = "OrderOps:Standalone";

    /// <summary>
    /// False pauses every pump: HTTP still accepts (and durably queues) work, nothing is processed until a restart
    /// with pumps on. For maintenance windows, and how the lossless test parks work between ack and processing.
    /// </summary>
    public bool RunPumps { get; set; } = true;

    /// <summary>How long a message taken by an invocation stays hidden from others; a crashed invocation's message reappears after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many messages of one queue are processed at once (the Functions host's queue batch size is 16).</summary>
    [Range(1, 256)]
    public int QueueConcurrency { get; set; } = 16;

    /// <summary>
    /// Root of the folders that stand in for blob containers: <c>{DataDirectory}/blobs/{container}/{name}</c>. The
    /// composition root sets it to <c>OrderOps:DataDirectory</c>.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, "data");

    /// <summary>How often a blob-trigger pump looks for new files in its folder.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BlobPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a blob-triggered invocation is tried before its file is moved to the poison folder (Azure: 5).</summary>
    [Range(1, 100)]
    public int MaxBlobAttempts { get; set; } = 5;

    /// <summary>How often an idle queue pump looks for messages that became visible on their own (retries, scheduled).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
