using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Keys;

/// <summary>
/// Idempotency keys in Table storage: PartitionKey = hash bucket of the key (64 buckets, so hot keys do not share one
/// partition), RowKey = the key. An expired key counts as absent and is taken over with an ETag-conditional update.
/// </summary>
public sealed class TableIdempotencyStore(TableClient table, TimeProvider time) : IIdempotencyStore
{
    private const string ExpiresAt = "ExpiresAt";

    public async Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var entity = Entity(key, expiresAt);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return await TryRecordAsync(key, expiresAt, cancellationToken);
        }

        if (existing.Value!.GetDateTimeOffset(ExpiresAt) > time.GetUtcNow())
        {
            return false;
        }

        try
        {
            await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false; // someone else took over the expired key first
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        var probe = Entity(key, default);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(probe.PartitionKey, probe.RowKey, [ExpiresAt], cancellationToken);
        return existing.HasValue && existing.Value!.GetDateTimeOffset(ExpiresAt) > time.GetUtcNow();
    }

    public async Task ForgetAsync(string key, CancellationToken cancellationToken)
    {
        var entity = Entity(key, default);
        // DeleteEntity answers 404 as a response, not an exception, so a missing key is simply nothing to do.
        await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
    }

    /// <summary>Scans the table for expired keys (a daily timer; Table storage has no TTL) and deletes them.</summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purged = 0;
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                purged++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // deleted or renewed meanwhile
            }
        }

        return purged;
    }

    private static TableEntity Entity(string key, DateTimeOffset expiresAt) =>
        new(TableKeys.HashBucket(key), TableKeys.Escape(key)) { [ExpiresAt] = expiresAt.ToUniversalTime() };
}
