using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace OrderOps.Storage.Embedded;

/// <summary>
/// The one SQLite file behind every embedded port. All writes go through one writer connection that commits them in
/// groups: whatever writes are waiting when the writer is free run in one transaction, each inside its own savepoint,
/// so one failed write rolls back alone while a burst costs one commit instead of one per write (group commit).
/// A caller's task completes only after the transaction holding its write has committed. Readers run in parallel (WAL).
/// </summary>
/// <remarks>
/// Durability: WAL with <c>synchronous=NORMAL</c>. A committed transaction survives the process being killed
/// (the case that matters for "nothing acknowledged is lost"); only an operating-system crash or power loss
/// can roll back the last few commits, which is SQLite's documented trade-off for WAL mode.
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>Upper bound on writes per transaction, so one commit never holds the file for long.</summary>
    private const int MaxGroupSize = 512;

    private readonly string _connectionString;
    private readonly string _schemaPrefix;
    private readonly string? _writerPragmas;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteDatabase(EmbeddedStorageOptions options)
        : this(options?.DatabasePath ?? throw new ArgumentNullException(nameof(options)), "Schema.", writerPragmas: null, busyTimeout: TimeSpan.FromSeconds(30))
    {
    }

    /// <summary>
    /// A database file of its own with its own scripts (embedded resources named <paramref name="schemaPrefix"/>*),
    /// e.g. the orchestration store. <paramref name="writerPragmas"/> run on the writer's connection when it opens
    /// (per-connection settings such as <c>max_page_count</c>). <paramref name="busyTimeout"/>: how long a statement
    /// waits for another process's lock before it fails with SQLITE_BUSY.
    /// </summary>
    internal SqliteDatabase(string databasePath, string schemaPrefix, string? writerPragmas, TimeSpan busyTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        FilePath = databasePath;
        _schemaPrefix = schemaPrefix;
        _writerPragmas = writerPragmas;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Also how long a reader waits for a lock (Microsoft.Data.Sqlite retries SQLITE_BUSY until then).
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        }.ToString();
        ApplySchema();
        // The loop outlives whoever opened the database: it must not inherit that caller's trace (Activity.Current).
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(WriteLoopAsync);
        }
    }

    public string FilePath { get; }

    /// <summary>Opens a pooled connection for reading.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns once that transaction has committed. If
    /// <paramref name="work"/> throws, its changes are rolled back and the exception is rethrown here; other writes in
    /// the same group are unaffected. <paramref name="work"/> must not call <see cref="WriteAsync{T}"/> itself.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var pending = new PendingWrite<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);

        return pending.Task;
    }

    /// <summary>
    /// Finishes the queued writes and closes this file's pooled connections (only this file's: clearing every pool would
    /// close connections another database in the process is opening at that moment).
    /// </summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        using var pooled = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(pooled);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingWrite>(MaxGroupSize);
        SqliteConnection? connection = null;
        try
        {
            while (await _writes.Reader.WaitToReadAsync())
            {
                group.Clear();
                while (group.Count < MaxGroupSize && _writes.Reader.TryRead(out var next))
                {
                    group.Add(next);
                }

                try
                {
                    connection ??= await OpenWriterAsync();
                    await CommitGroupAsync(connection, group);
                }
                catch (Exception ex)
                {
                    // The transaction itself failed (disk full, I/O error): nothing in it committed.
                    foreach (var write in group)
                    {
                        write.Fail(ex);
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = await OpenAsync(CancellationToken.None);
        if (_writerPragmas is not null)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _writerPragmas;
            await pragma.ExecuteNonQueryAsync();
        }

        return connection;
    }

    private static async Task CommitGroupAsync(SqliteConnection connection, List<PendingWrite> group)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        var succeeded = new List<PendingWrite>(group.Count);
        foreach (var write in group)
        {
            if (write.CancellationToken.IsCancellationRequested)
            {
                write.Cancel();
                continue;
            }

            await ExecuteAsync(connection, transaction, "SAVEPOINT w");
            try
            {
                await write.RunAsync(connection, transaction);
                await ExecuteAsync(connection, transaction, "RELEASE w");
                succeeded.Add(write);
            }
            catch (Exception ex)
            {
                write.Fail(ex);
                if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
                {
                    // SQLite rolled the whole transaction back itself (SQLITE_FULL, I/O errors): the group's other
                    // writes are gone too, so they fail with this write's cause rather than a "no transaction" error.
                    ExceptionDispatchInfo.Throw(ex);
                }

                await ExecuteAsync(connection, transaction, "ROLLBACK TO w; RELEASE w");
            }
        }

        await transaction.CommitAsync();
        foreach (var write in succeeded)
        {
            write.Succeed();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private void ApplySchema()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            pragma.ExecuteNonQuery();
        }

        // Backfills in the scripts may key rows the way the stores do (see 046_order_search_keys.sql).
        connection.CreateFunction<string?, string?>("orderops_email_key", OrderOps.Core.Orders.OrderSearchKeys.Email, isDeterministic: true);

        // Every script is idempotent (CREATE ... IF NOT EXISTS); they run in file-name order.
        var assembly = typeof(SqliteDatabase).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(_schemaPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            using var command = connection.CreateCommand();
            command.CommandText = reader.ReadToEnd();
            command.ExecuteNonQuery();
        }
    }

    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Succeed();

        public abstract void Fail(Exception error);

        public abstract void Cancel();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
        : PendingWrite(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            _result = await work(connection, transaction);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception error) => _completion.TrySetException(error);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
