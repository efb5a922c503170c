using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Archive;

/// <summary>
/// The raw archive as rows of <c>raw_payloads</c>. Large bodies are written and read with SQLite's incremental blob I/O
/// (<see cref="SqliteBlob"/>): the row is inserted with a zero-filled blob of the body's length, which is then filled
/// from the stream a buffer at a time, in the same transaction. SQLite caps one value at 1,000,000,000 bytes.
/// </summary>
public sealed class SqliteRawArchive(SqliteDatabase database) : IRawArchive
{
    /// <summary>SQLITE_MAX_LENGTH of the bundled SQLite: no blob may be longer.</summary>
    public const long MaxBodyBytes = 1_000_000_000;

    public Task ArchiveAsync(RawPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Insert(connection, transaction, payload, "$body");
            command.Parameters.AddWithValue("$body", payload.Body.ToArray());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <exception cref="ArgumentException">The stream is not seekable (its length is needed up front).</exception>
    /// <exception cref="InvalidOperationException">The body is longer than <see cref="MaxBodyBytes"/>.</exception>
    public Task ArchiveAsync(RawPayload payload, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(body);
        if (!body.CanSeek)
        {
            throw new ArgumentException("The embedded archive needs a seekable stream to know the body's length.", nameof(body));
        }

        var length = body.Length - body.Position;
        if (length > MaxBodyBytes)
        {
            throw new InvalidOperationException($"Payload {payload.Id} is {length} bytes; the embedded archive keeps at most {MaxBodyBytes} bytes per payload (use the Azure backend for larger files).");
        }

        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Insert(connection, transaction, payload, "zeroblob($length)");
            command.CommandText += " RETURNING rowid";
            command.Parameters.AddWithValue("$length", length);
            if (await command.ExecuteScalarAsync(cancellationToken) is not long rowId)
            {
                return 0; // Already archived: the first copy stays.
            }

            await using var blob = new SqliteBlob(connection, "raw_payloads", "body", rowId);
            await body.CopyToAsync(blob, cancellationToken);
            return 1;
        }, cancellationToken);
    }

    public async Task<ArchivedBody?> OpenAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT channel, account, kind, received_at, content_type, headers, rowid FROM raw_payloads WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            RawPayload payload;
            long rowId;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    await connection.DisposeAsync();
                    return null;
                }

                payload = Read(id, reader, ReadOnlyMemory<byte>.Empty);
                rowId = reader.GetInt64(6);
            }

            return new ArchivedBody(payload, new ConnectionOwningStream(new SqliteBlob(connection, "raw_payloads", "body", rowId, readOnly: true), connection));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, RawPayload payload, string bodyExpression)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO raw_payloads (id, channel, account, kind, received_at, content_type, headers, body)
            VALUES ($id, $channel, $account, $kind, $received, $contentType, $headers, {bodyExpression})
            ON CONFLICT (id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", payload.Id);
        command.Parameters.AddWithValue("$channel", payload.Channel);
        command.Parameters.AddWithValue("$account", (object?)payload.Account ?? DBNull.Value);
        command.Parameters.AddWithValue("$kind", payload.Kind);
        command.Parameters.AddWithValue("$received", UnixTime.ToMs(payload.ReceivedAt));
        command.Parameters.AddWithValue("$contentType", (object?)payload.ContentType ?? DBNull.Value);
        command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(payload.Headers));
        return command;
    }

    public async Task<RawPayload?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT channel, account, kind, received_at, content_type, headers, body FROM raw_payloads WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return Read(id, reader, (byte[])reader.GetValue(6));
    }

    /// <summary>Columns 0-5: channel, account, kind, received_at, content_type, headers.</summary>
    private static RawPayload Read(string id, SqliteDataReader reader, ReadOnlyMemory<byte> body) => new()
    {
        Id = id,
        Channel = reader.GetString(0),
        Account = reader.IsDBNull(1) ? null : reader.GetString(1),
        Kind = reader.GetString(2),
        ReceivedAt = UnixTime.FromMs(reader.GetInt64(3)),
        ContentType = reader.IsDBNull(4) ? null : reader.GetString(4),
        Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
        Body = body,
    };
}
