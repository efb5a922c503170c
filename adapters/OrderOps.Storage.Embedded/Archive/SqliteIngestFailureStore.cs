using System.Text.Json;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Archive;

public sealed class SqliteIngestFailureStore(SqliteDatabase database) : IIngestFailureStore
{
    public Task RecordAsync(IngestFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO ingest_failures (archive_id, channel, kind, reason, errors, at)
                VALUES ($id, $channel, $kind, $reason, $errors, $at)
                ON CONFLICT (archive_id) DO UPDATE SET reason = excluded.reason, errors = excluded.errors, at = excluded.at
                """;
            command.Parameters.AddWithValue("$id", failure.ArchiveId);
            command.Parameters.AddWithValue("$channel", failure.Channel);
            command.Parameters.AddWithValue("$kind", failure.Kind);
            command.Parameters.AddWithValue("$reason", failure.Reason);
            command.Parameters.AddWithValue("$errors", JsonSerializer.Serialize(failure.Errors));
            command.Parameters.AddWithValue("$at", UnixTime.ToMs(failure.At));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<IngestFailure>> ListAsync(string? channel, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT archive_id, channel, kind, reason, errors, at FROM ingest_failures
            WHERE $channel IS NULL OR channel = $channel ORDER BY at DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$channel", (object?)channel ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var failures = new List<IngestFailure>();
        while (await reader.ReadAsync(cancellationToken))
        {
            failures.Add(new IngestFailure
            {
                ArchiveId = reader.GetString(0),
                Channel = reader.GetString(1),
                Kind = reader.GetString(2),
                Reason = reader.GetString(3),
                Errors = JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [],
                At = UnixTime.FromMs(reader.GetInt64(5)),
            });
        }

        return failures;
    }
}
