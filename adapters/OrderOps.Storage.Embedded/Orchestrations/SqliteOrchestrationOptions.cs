namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// Settings of the SQLite orchestration service. Bound from <c>OrderOps:Durable:Sqlite</c> by the standalone runtime,
/// which validates them at start (<see cref="Validate"/>).
/// </summary>
public sealed class SqliteOrchestrationOptions
{
    /// <summary>Folder of the file: the same data directory as <c>orderops.db</c>.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, "data");

    /// <summary>
    /// A file of its own, not a table set in <c>orderops.db</c>: SQLite has one writer per file, and an orchestration
    /// episode commits several rows at once, often; sharing the app's writer would make orders and the inventory
    /// ledger wait behind orchestration traffic (and the reverse). Two files also back up and purge independently.
    /// </summary>
    public string FileName { get; set; } = "durable.db";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));

    /// <summary>
    /// How long a process's locks outlive it. Every process heartbeats its lease; work items it locked become free
    /// to others (and to itself after a restart) once the lease lapses, so a killed process delays its instances by
    /// at most this long.
    /// </summary>
    public TimeSpan WorkerLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a dispatcher looks for work when nothing in this process signalled any: bounds the delay of timers
    /// and of messages sent by other processes. Work sent in this process wakes the dispatcher at once.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound on a single payload (input, output, event data, custom status), in UTF-8 bytes.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Upper bound on the file's size; a write past it fails like a full disk (SQLITE_FULL). Null: no cap.</summary>
    public long? MaxDatabaseBytes { get; set; }

    /// <summary>How long a write waits for a lock held by another process before it fails (whole seconds, at least 1).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an instance stays locked and in memory after an episode, waiting for its next message (an activity's
    /// result, an event) to run without reading its history back and replaying it. Zero (the default) turns extended
    /// sessions off, as <c>AzureStorageOrchestrationService</c> has them off by default: a session holds one of the
    /// dispatcher's slots while it waits (at most half of <see cref="MaxConcurrentOrchestrations"/> are sessions), and
    /// for the order lifecycle, whose executions are a few episodes long (each event starts a new one), 250 ms sessions
    /// made no measurable difference under the lifecycle load driver, saturated or idle. Worth it for long executions.
    /// </summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.Zero;

    public int MaxConcurrentOrchestrations { get; set; } = 64;

    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>How many work items one lock transaction takes at most (fewer transactions under load).</summary>
    public int LockBatchSize { get; set; } = 32;

    /// <summary>Delay before an abandoned work item is retried, growing with its attempts up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("DataDirectory is required.");
        }

        if (string.IsNullOrWhiteSpace(FileName) || FileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            problems.Add($"FileName '{FileName}' is not a file name.");
        }

        if (WorkerLeaseDuration < TimeSpan.FromSeconds(1))
        {
            problems.Add("WorkerLeaseDuration must be at least 1 second (it is renewed every third of it).");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromSeconds(5))
        {
            problems.Add("PollInterval must be between 0 and 5 seconds.");
        }

        if (MaxPayloadBytes < 1024)
        {
            problems.Add("MaxPayloadBytes must be at least 1024.");
        }

        if (MaxDatabaseBytes is < 1024 * 1024)
        {
            problems.Add("MaxDatabaseBytes must be at least 1 MiB when set.");
        }

        if (ExtendedSessionIdleTimeout < TimeSpan.Zero || ExtendedSessionIdleTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add("ExtendedSessionIdleTimeout must be between 0 (off) and 5 minutes.");
        }

        if (BusyTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add("BusyTimeout must be at least 1 second.");
        }

        if (MaxConcurrentOrchestrations < 1 || MaxConcurrentActivities < 1 || LockBatchSize < 1)
        {
            problems.Add("MaxConcurrentOrchestrations, MaxConcurrentActivities and LockBatchSize must be at least 1.");
        }

        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            problems.Add("RetryDelay must be positive and MaxRetryDelay at least RetryDelay.");
        }

        return problems;
    }
}
