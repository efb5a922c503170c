using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Keys;

/// <summary>Checkpoints (poller watermarks) as rows of one Table partition: few, small, read by name.</summary>
public sealed class TableCheckpointStore(TableClient table, TimeProvider time) : ICheckpointStore
{
    private const string Partition = "checkpoint";

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Escape(name), ["Value"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("Value") : null;
    }

    public async Task SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition, TableKeys.Escape(name)) { ["Value"] = value, ["UpdatedAt"] = time.GetUtcNow() };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}
