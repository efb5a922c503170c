using OrderOps.Storage.Embedded.Orchestrations;

namespace OrderOps.Durable;

/// <summary>Which orchestration service the standalone runtime runs on.</summary>
public enum DurableBackend
{
    /// <summary>The embedded SQLite service (durable.db in the data directory): no emulator, no cloud.</summary>
    Sqlite,

    /// <summary>DurableTask.AzureStorage: the storage layout the Functions host's Durable extension uses.</summary>
    AzureStorage,
}

/// <summary>Settings of the standalone durable runtime, bound from <see cref="SectionName"/> and validated at start.</summary>
public sealed class DurableRuntimeOptions
{
    public const string SectionName = "OrderOps:Durable";

    public DurableBackend Backend { get; set; } = DurableBackend.Sqlite;

    /// <summary>Task hub (Azure Storage: the prefix of its queues, tables and containers).</summary>
    public string TaskHubName { get; set; } = "orderops";

    /// <summary>Azure Storage connection string; required when <see cref="Backend"/> is AzureStorage.</summary>
    public string? AzureStorageConnectionString { get; set; }

    /// <summary>
    /// Longest wait between Azure Storage queue polls when idle. The provider's default is 30 s, which an idle worker
    /// adds to the next event's latency; short is right for a single app, at the price of more (cheap) queue reads.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Azure Storage control-queue partitions.</summary>
    public int PartitionCount { get; set; } = 4;

    public SqliteOrchestrationOptions Sqlite { get; set; } = new();

    /// <summary>How long shutdown waits for in-flight work items before it lets go (their locks lapse and they run again).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(TaskHubName) || TaskHubName.Length is < 3 or > 45 || !TaskHubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TaskHubName[0]))
        {
            problems.Add($"TaskHubName '{TaskHubName}' must be 3-45 letters or digits, starting with a letter (Azure Storage naming).");
        }

        if (Backend == DurableBackend.AzureStorage && string.IsNullOrWhiteSpace(AzureStorageConnectionString))
        {
            problems.Add("AzureStorageConnectionString is required when Backend is AzureStorage.");
        }

        if (MaxQueuePollingInterval <= TimeSpan.Zero || MaxQueuePollingInterval > TimeSpan.FromSeconds(30))
        {
            problems.Add("MaxQueuePollingInterval must be between 0 and 30 seconds.");
        }

        if (PartitionCount is < 1 or > 16)
        {
            problems.Add("PartitionCount must be between 1 and 16.");
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            problems.Add("ShutdownTimeout must be positive.");
        }

        if (Backend == DurableBackend.Sqlite)
        {
            problems.AddRange(Sqlite.Validate().Select(problem => $"Sqlite: {problem}"));
        }

        return problems;
    }
}
