using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace OrderOps.Storage.Azure.Messaging;

/// <summary>
/// Keeps the last error of a queue message that failed, so a poison message can be listed with why it failed.
/// Called by <see cref="StorageQueueMessaging"/> when the app abandons a message, and by the Function app's worker
/// middleware when a queue-triggered invocation throws under the Functions host (which settles the message itself).
/// </summary>
public interface IQueueFailureRecorder
{
    /// <summary>Records that <paramref name="body"/> failed on <paramref name="queue"/> at its <paramref name="dequeueCount"/>th delivery.</summary>
    Task RecordFailureAsync(string queue, string body, int dequeueCount, string error, CancellationToken cancellationToken);

    /// <summary>The last recorded failure of <paramref name="body"/> on <paramref name="queue"/>, or null.</summary>
    Task<QueueFailure?> FindAsync(string queue, string body, CancellationToken cancellationToken);
}

public sealed record QueueFailure(int DequeueCount, string Error, DateTimeOffset FailedAt);

/// <summary>
/// Failures in a Table (<c>queuefailures</c>): partition = queue name, row = SHA-256 of the message body.
/// <para>
/// Keyed by content, not by message id, because the id does not survive poisoning: the Functions host copies a
/// message that used up its deliveries into <c>&lt;queue&gt;-poison</c> as a NEW message with a new id, so only the
/// body links the poison copy to its failures. Two messages with identical bodies are the same work (every consumer
/// is idempotent by content), so sharing one row between them loses nothing an operator needs: the row says why
/// that work last failed. A row outlives a message that later succeeds; it is only read for poison messages, and a
/// later failure of the same body replaces it.
/// </para>
/// </summary>
public sealed class TableQueueFailureRecorder(TableClient table, TimeProvider time) : IQueueFailureRecorder
{
    /// <summary>A Table string property holds 64 KiB (32K UTF-16 chars); an error is cut well below that.</summary>
    private const int MaxErrorLength = 16_000;

    public async Task RecordFailureAsync(string queue, string body, int dequeueCount, string error, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(error);
        var entity = new TableEntity(queue, BodyKey(body))
        {
            ["DequeueCount"] = dequeueCount,
            ["Error"] = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error,
            ["FailedAt"] = time.GetUtcNow(),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<QueueFailure?> FindAsync(string queue, string body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(body);
        NullableResponse<TableEntity> row;
        try
        {
            row = await table.GetEntityIfExistsAsync<TableEntity>(queue, BodyKey(body), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // the table itself is missing: nothing was ever recorded
        }

        return row.HasValue && row.Value is { } entity
            ? new QueueFailure(entity.GetInt32("DequeueCount") ?? 0, entity.GetString("Error") ?? "", entity.GetDateTimeOffset("FailedAt") ?? DateTimeOffset.MinValue)
            : null;
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 body: a valid, fixed-length row key.</summary>
    public static string BodyKey(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
