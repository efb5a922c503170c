using System.Text;
using DurableTask.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// DurableTask.Core's orchestration service on a SQLite file of its own: the embedded twin of
/// <c>AzureStorageOrchestrationService</c>, written because no SQLite or file provider is served here (DESIGN.md).
/// </summary>
/// <remarks>
/// <para>Locking: every process that runs the service holds a lease (a <c>workers</c> row it heartbeats every third of
/// <see cref="SqliteOrchestrationOptions.WorkerLeaseDuration"/>). An instance or activity is locked by writing the
/// process's owner id on it; the lock holds for as long as that lease does, so a killed process frees its work once
/// its lease lapses and nothing needs renewing per work item. A process never re-locks what it holds itself, even
/// when its own lease lapsed under load, so one episode of an instance runs at a time.</para>
/// <para>Exactly-once progress: an episode's history, instance status, consumed messages and outbound messages
/// (activities, timers, sub-orchestrations, events) commit in one transaction, and only while the lock is still
/// this process's. Activities are at-least-once: one that ran but whose result did not commit runs again.</para>
/// <para>All writes go through <see cref="SqliteDatabase"/>'s single writer (group commit); reads use pooled
/// connections (WAL).</para>
/// </remarks>
public sealed partial class SqliteOrchestrationService
    : IOrchestrationService, IOrchestrationServiceClient, IDisposable
{
    private static readonly OrchestrationStatus[] RunningStatuses =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended];

    private readonly SqliteOrchestrationOptions _options;
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkSignal _orchestrationWork = new();
    private readonly WorkSignal _activityWork = new();
    private readonly InstanceWaiters _waiters = new();
    private CancellationTokenSource? _heartbeatStop;
    private Task? _heartbeat;
    private int _disposed;

    public SqliteOrchestrationService(SqliteOrchestrationOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException($"Invalid SQLite orchestration options: {string.Join(" ", problems)}", nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<SqliteOrchestrationService>();
        _database = OpenDatabase(options);
    }

    /// <summary>This process's lock owner id (a new one for every service instance).</summary>
    public string OwnerId { get; } = Guid.NewGuid().ToString("N");

    public string DatabasePath => _database.FilePath;

    public int TaskOrchestrationDispatcherCount => 1;

    public int MaxConcurrentTaskOrchestrationWorkItems => _options.MaxConcurrentOrchestrations;

    public int TaskActivityDispatcherCount => 1;

    public int MaxConcurrentTaskActivityWorkItems => _options.MaxConcurrentActivities;

    /// <summary>Events that arrived during the episode that continued as new are handed to the next execution.</summary>
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public Task CreateAsync() => CreateAsync(recreateInstanceStore: true);

    public async Task CreateAsync(bool recreateInstanceStore)
    {
        if (recreateInstanceStore)
        {
            await DeleteAsync(deleteInstanceStore: true);
        }
    }

    /// <summary>The schema is applied when the file is opened; nothing more to create.</summary>
    public Task CreateIfNotExistsAsync() => Task.CompletedTask;

    public Task DeleteAsync() => DeleteAsync(deleteInstanceStore: true);

    /// <summary>Deletes every instance, message and lease (the file stays). For tests and tooling, never the app.</summary>
    public Task DeleteAsync(bool deleteInstanceStore) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await Sql.ExecuteAsync(connection, transaction, """
                DELETE FROM history; DELETE FROM orchestration_messages; DELETE FROM activity_messages; DELETE FROM instances;
                """, CancellationToken.None);
            return 0;
        }, CancellationToken.None);

    public async Task StartAsync()
    {
        if (_heartbeat is not null)
        {
            return;
        }

        await RenewLeaseAsync(CancellationToken.None);
        _heartbeatStop = new CancellationTokenSource();
        _heartbeat = Task.Run(() => HeartbeatAsync(_heartbeatStop.Token));
        Log.Started(_logger, OwnerId, _database.FilePath);
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>Stops heartbeating and hands back every lock this process holds, so a restart does not wait for the lease.</summary>
    public async Task StopAsync(bool isForced)
    {
        // Already disposed (a host that disposes its services before stopping them, as the test server does): the
        // locks lapse with the lease instead.
        if (_heartbeatStop is null || _heartbeat is null || Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        await _heartbeatStop.CancelAsync();
        await _heartbeat;
        _heartbeatStop.Dispose();
        _heartbeatStop = null;
        _heartbeat = null;
        _orchestrationBuffer.Clear();
        _activityBuffer.Clear();
        try
        {
            await _database.WriteAsync(async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, """
                    UPDATE instances SET lock_owner = NULL WHERE lock_owner = $owner;
                    UPDATE activity_messages SET lock_owner = NULL WHERE lock_owner = $owner;
                    DELETE FROM workers WHERE owner_id = $owner;
                    """, CancellationToken.None, ("$owner", OwnerId));
                return 0;
            }, CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while stopping (a host that disposes its services as it stops them): the locks lapse with the lease.
            return;
        }

        _orchestrationWork.Notify();
        _activityWork.Notify();
    }

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => 1;

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _heartbeatStop?.Cancel();
        _database.Dispose();
        _orchestrationWork.Dispose();
        _activityWork.Dispose();
        _heartbeatStop?.Dispose();
    }

    private static SqliteDatabase OpenDatabase(SqliteOrchestrationOptions options)
    {
        // max_page_count caps the file: past it SQLite fails the write with SQLITE_FULL, exactly as a full disk does.
        var pragmas = options.MaxDatabaseBytes is { } max ? $"PRAGMA max_page_count = {Math.Max(1, max / 4096)};" : null;
        try
        {
            return new SqliteDatabase(options.DatabasePath, "DurableSchema.", pragmas, options.BusyTimeout);
        }
        catch (SqliteException ex)
        {
            throw new OrchestrationStoreException(
                $"The orchestration store '{options.DatabasePath}' cannot be opened (SQLite error {ex.SqliteErrorCode}: {ex.Message}). " +
                "If the file is damaged, move it aside; the app's orders live in another file.", ex);
        }
    }

    private async Task HeartbeatAsync(CancellationToken stop)
    {
        var interval = _options.WorkerLeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, stop);
                await RenewLeaseAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Keep trying: while the lease lapses other processes may take this one's work, which the
                // lock check at completion turns into a retry rather than a double write.
                Log.HeartbeatFailed(_logger, ex, OwnerId);
            }
        }
    }

    private Task<int> RenewLeaseAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await Sql.ExecuteAsync(connection, transaction, """
                INSERT INTO workers (owner_id, expires_at) VALUES ($owner, $expires)
                ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at;
                DELETE FROM workers WHERE expires_at < $now - 3600000;
                """, cancellationToken,
                ("$owner", OwnerId), ("$expires", NowMs() + (long)_options.WorkerLeaseDuration.TotalMilliseconds), ("$now", NowMs()));
            return 0;
        }, cancellationToken);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private TimeSpan RetryDelayAfter(int attempts)
    {
        var delay = _options.RetryDelay * Math.Pow(2, Math.Min(Math.Max(attempts - 1, 0), 16));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    /// <summary>Throws <see cref="OrchestrationPayloadTooLargeException"/> naming the instance when a payload is over the limit.</summary>
    private void EnsurePayloadFits(string instanceId, string what, string? payload)
    {
        if (PayloadOverLimit(payload) is { } bytes)
        {
            throw new OrchestrationPayloadTooLargeException(instanceId, what, bytes, _options.MaxPayloadBytes);
        }
    }

    private int? PayloadOverLimit(string? payload)
    {
        if (payload is null || payload.Length * 3 <= _options.MaxPayloadBytes)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetByteCount(payload);
        return bytes > _options.MaxPayloadBytes ? bytes : null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SQLite orchestration service started as owner {OwnerId} on {Path}")]
        public static partial void Started(ILogger logger, string ownerId, string path);

        [LoggerMessage(2, LogLevel.Warning, "Could not renew the worker lease of owner {OwnerId}")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception, string ownerId);

        [LoggerMessage(3, LogLevel.Warning, "Dropped {Count} message(s) for instance {InstanceId}: {Reason}")]
        public static partial void DroppedMessages(ILogger logger, int count, string instanceId, string reason);

        [LoggerMessage(4, LogLevel.Error, "Instance {InstanceId} failed: {Reason}")]
        public static partial void InstanceFailed(ILogger logger, string instanceId, string reason);

        [LoggerMessage(5, LogLevel.Warning, "Work item of instance {InstanceId} abandoned; retrying in {Delay}")]
        public static partial void Abandoned(ILogger logger, string instanceId, TimeSpan delay);
    }
}
