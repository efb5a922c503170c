using System.Text.Json;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Archive;

public sealed class SqliteRawArchive(SqliteDatabase database) : IRawArchive
{
    public Task ArchiveAsync(RawPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO raw_payloads (id, channel, account, kind, received_at, content_type, headers, body)
                VALUES ($id, $channel, $account, $kind, $received, $contentType, $headers, $body)
                ON CONFLICT (id) DO NOTHING
                """;
            command.Parameters.AddWithValue("$id", payload.Id);
            command.Parameters.AddWithValue("$channel", payload.Channel);
            command.Parameters.AddWithValue("$account", (object?)payload.Account ?? DBNull.Value);
            command.Parameters.AddWithValue("$kind", payload.Kind);
            command.Parameters.AddWithValue("$received", UnixTime.ToMs(payload.ReceivedAt));
            command.Parameters.AddWithValue("$contentType", (object?)payload.ContentType ?? DBNull.Value);
            command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(payload.Headers));
            command.Parameters.AddWithValue("$body", payload.Body.ToArray());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
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

        return new RawPayload
        {
            Id = id,
            Channel = reader.GetString(0),
            Account = reader.IsDBNull(1) ? null : reader.GetString(1),
            Kind = reader.GetString(2),
            ReceivedAt = UnixTime.FromMs(reader.GetInt64(3)),
            ContentType = reader.IsDBNull(4) ? null : reader.GetString(4),
            Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
            Body = (byte[])reader.GetValue(6),
        };
    }
}
