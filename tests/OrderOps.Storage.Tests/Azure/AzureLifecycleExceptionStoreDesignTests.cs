using System.Text.Json;
using Azure.Data.Tables;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Lifecycle;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>
/// What the Azure exception queue's design promises beyond the contract (see <see cref="TableLifecycleExceptionStore"/>):
/// listing the open ones reads the open partition only, a crash on either side of the record write leaves the lists
/// right, and a large context survives the 64 KiB property limit.
/// </summary>
[NeedsAzureServices]
public sealed class AzureLifecycleExceptionStoreDesignTests : IAsyncLifetime
{
    private AzureExceptionBackend _backend = null!;

    private ILifecycleExceptionStore Exceptions => _backend.Exceptions;

    public async Task InitializeAsync() => _backend = await AzureExceptionBackend.CreateTablesAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [ContractFact]
    public async Task Listing_open_exceptions_reads_the_open_partition_and_one_record_per_exception()
    {
        for (var i = 0; i < 30; i++)
        {
            var raised = Sample($"o{i}|insufficient-stock|1", _backend.Time.GetUtcNow().AddMinutes(i));
            await Exceptions.UpsertAsync(i < 27 ? raised with { ResolvedAt = raised.RaisedAt.AddMinutes(1), Resolution = "cancel", ResolvedBy = "operator:ann" } : raised, default);
        }

        _backend.Requests.Clear();
        var open = await Exceptions.ListAsync(true, null, 100, default);

        Assert.Equal(["o29|insufficient-stock|1", "o28|insufficient-stock|1", "o27|insufficient-stock|1"], open.Select(e => e.ExceptionId));
        var query = Assert.Single(_backend.Requests.Requests, r => r.IsQuery);
        Assert.Contains("PartitionKey eq 'open'", query.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(3, query.EntitiesReturned); // the 27 resolved ones are not read at all
        Assert.Equal(4, _backend.Requests.Requests.Count);
    }

    [ContractFact]
    public async Task A_raise_that_crashed_before_its_record_was_written_is_neither_listed_nor_found()
    {
        _backend.Requests.Crash = r => r.IsWrite && r.Addresses("exception|");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Exceptions.UpsertAsync(Sample("o1|review-hold|1", _backend.Time.GetUtcNow()), default));

        Assert.Equal(2, (await RowsAsync()).Count); // its open and all rows were written
        Assert.Empty(await Exceptions.ListAsync(true, null, 10, default));
        Assert.Empty(await Exceptions.ListAsync(false, null, 10, default));
        Assert.Null(await Exceptions.GetAsync("o1|review-hold|1", default));
    }

    [ContractFact]
    public async Task A_resolution_that_crashed_after_its_record_was_written_leaves_the_open_list()
    {
        var raised = Sample("o1|review-hold|1", _backend.Time.GetUtcNow());
        await Exceptions.UpsertAsync(raised, default);
        _backend.Requests.Crash = r => r.Method == "DELETE" && r.Addresses("open");
        var resolved = raised with { ResolvedAt = raised.RaisedAt.AddMinutes(5), Resolution = "override", ResolvedBy = "operator:ann", ResolutionReason = "known customer" };
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Exceptions.UpsertAsync(resolved, default));

        Assert.Contains(await RowsAsync(), r => r.PartitionKey == "open"); // left behind by the crash
        Assert.Empty(await Exceptions.ListAsync(true, null, 10, default));
        Assert.Equal("known customer", Assert.Single(await Exceptions.ListAsync(false, null, 10, default)).ResolutionReason);

        _backend.Time.Advance(TableLifecycleExceptionStore.AbandonedAfter + TimeSpan.FromMinutes(1));
        Assert.Empty(await Exceptions.ListAsync(true, null, 10, default));
        Assert.DoesNotContain(await RowsAsync(), r => r.PartitionKey == "open"); // listing cleared the abandoned row
    }

    [ContractFact]
    public async Task Raising_again_with_another_time_moves_it_in_the_lists_instead_of_listing_it_twice()
    {
        var now = _backend.Time.GetUtcNow();
        await Exceptions.UpsertAsync(Sample("o1|review-hold|1", now), default);
        await Exceptions.UpsertAsync(Sample("o2|review-hold|1", now.AddMinutes(1)), default);
        await Exceptions.UpsertAsync(Sample("o1|review-hold|1", now.AddMinutes(2)), default);

        Assert.Equal(["o1|review-hold|1", "o2|review-hold|1"], (await Exceptions.ListAsync(true, null, 10, default)).Select(e => e.ExceptionId));
        Assert.Equal(["o1|review-hold|1", "o2|review-hold|1"], (await Exceptions.ListAsync(false, null, 10, default)).Select(e => e.ExceptionId));
        Assert.Equal(6, (await RowsAsync()).Count); // per exception: record, open, all
    }

    [ContractFact]
    public async Task A_context_larger_than_one_table_property_round_trips()
    {
        var shortages = Enumerable.Range(0, 9000).Select(i => $"SKU-{i:D5}@east").ToArray();
        var raised = Sample("o1|insufficient-stock|1", _backend.Time.GetUtcNow()) with { Context = JsonSerializer.Serialize(new { shortages }) };
        Assert.True(raised.Context!.Length > 100_000);

        await Exceptions.UpsertAsync(raised, default);

        Assert.Equal(raised.Context, (await Exceptions.GetAsync(raised.ExceptionId, default))!.Context);
        Assert.Equal(raised.Context, Assert.Single(await Exceptions.ListAsync(true, "shopify", 10, default)).Context);
    }

    private async Task<List<TableEntity>> RowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _backend.ExceptionTable.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static LifecycleException Sample(string id, DateTimeOffset at) => new()
    {
        ExceptionId = id,
        OrderId = id.Split('|')[0],
        Channel = "shopify",
        Kind = id.Split('|')[1],
        Description = "what happened",
        State = "validated",
        Options = ["override", "cancel"],
        RecommendedAction = "override",
        RaisedAt = at,
    };
}
