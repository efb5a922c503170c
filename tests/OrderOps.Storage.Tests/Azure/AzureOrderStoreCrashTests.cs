using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Orders;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>
/// What the Azure order store's design promises beyond the contract: a crash between the order-list index write and the
/// Cosmos DB commit (or after the commit, before the old index row is removed) leaves an order listed exactly once.
/// The crash is simulated by writing the index rows a crashed save would have left behind.
/// </summary>
[NeedsAzureServices]
public sealed class AzureOrderStoreCrashTests : IAsyncLifetime
{
    private IStorageBackend _backend = null!;
    private OrderIndex _index = null!;

    public async Task InitializeAsync()
    {
        _backend = await AzureBackend.CreateAsync();
        _index = ((AzureBackend)_backend).OrderIndex;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [ContractFact]
    public async Task An_order_document_written_before_summaries_existed_is_listed_from_the_whole_document()
    {
        var saved = await _backend.Orders.SaveAsync(new OrderRecord { Order = Order("1"), Status = "received" }, null, [], default);
        await RemoveFromDocumentAsync(saved.OrderId, "summary");

        Assert.Equal(OrderSummary.From(saved), Assert.Single((await _backend.Orders.ListAsync(new OrderQuery(), default)).Orders));
    }

    [ContractFact]
    public async Task A_search_row_left_by_a_crashed_save_finds_nothing_and_an_order_from_before_search_is_found_after_its_next_save()
    {
        var saved = await _backend.Orders.SaveAsync(new OrderRecord { Order = Order("1"), Status = "received" }, null, [], default);
        var search = ((AzureBackend)_backend).OrderSearch;
        // Crashed before the commit: a row for a SKU the stored order does not hold, and one for an order never committed.
        await search.PutAsync(saved.OrderId, saved.CreatedAt, [OrderSearchKeys.Sku("GHOST")!], default);
        await search.PutAsync("shopify:shop:ghost", saved.CreatedAt, [OrderSearchKeys.Sku("GHOST")!], default);
        Assert.Empty(await ((AzureBackend)_backend).Overview.FindByKeyAsync(OrderSearchKeys.Sku("GHOST")!, 10, default));

        // A document written before search existed has no searchKeys and no rows: its next save writes them all.
        var older = await _backend.Orders.SaveAsync(new OrderRecord { Order = Order("2") with { Customer = new Customer { Email = "old@example.com" } }, Status = "received" }, null, [], default);
        await RemoveFromDocumentAsync(older.OrderId, "searchKeys");
        await search.RemoveAsync(older.OrderId, older.CreatedAt, OrderSearchKeys.For(older.Order), default);
        Assert.Empty(await ((AzureBackend)_backend).Overview.FindByKeyAsync(OrderSearchKeys.Email("old@example.com")!, 10, default));
        var current = await _backend.Orders.GetAsync(older.OrderId, default);
        await _backend.Orders.SaveAsync(current! with { Status = "validated" }, current!.ETag, [], default);
        Assert.Equal([older.OrderId], await ((AzureBackend)_backend).Overview.FindByKeyAsync(OrderSearchKeys.Email("old@example.com")!, 10, default));
    }

    [ContractFact]
    public async Task A_create_that_crashed_before_its_commit_is_not_listed()
    {
        await _index.PutAsync("shopify:shop:ghost", "shopify", "received", _backend.Time.GetUtcNow(), default);
        Assert.Empty((await _backend.Orders.ListAsync(new OrderQuery(), default)).Orders);
    }

    [ContractFact]
    public async Task An_update_that_crashed_either_side_of_its_commit_lists_the_order_once()
    {
        var saved = await _backend.Orders.SaveAsync(new OrderRecord { Order = Order("1"), Status = "received" }, null, [], default);
        _backend.Time.Advance(TimeSpan.FromSeconds(5));
        // Crashed before the commit: the new row is written, the order document is unchanged.
        await _index.PutAsync(saved.OrderId, "shopify", "validated", _backend.Time.GetUtcNow(), default);
        _backend.Time.Advance(TimeSpan.FromSeconds(5));
        // A later update commits; suppose it crashed before removing its previous row too.
        var updated = await _backend.Orders.SaveAsync(saved with { Status = "validated" }, saved.ETag, [], default);
        await _index.PutAsync(saved.OrderId, "shopify", "received", saved.ModifiedAt, default);

        var listed = (await _backend.Orders.ListAsync(new OrderQuery(), default)).Orders;

        var only = Assert.Single(listed);
        Assert.Equal((updated.ModifiedAt, "validated"), (only.ModifiedAt, only.Status));
        Assert.Empty((await _backend.Orders.ListAsync(new OrderQuery { Status = "received" }, default)).Orders);
    }

    /// <summary>Rewrites the order's document without <paramref name="property"/>: what a build before it existed wrote.</summary>
    private async Task RemoveFromDocumentAsync(string orderId, string property)
    {
        var container = ((AzureBackend)_backend).OrdersContainer;
        var partition = new PartitionKey(orderId);
        var id = CosmosOrderStore.DocumentId(orderId);
        JsonObject document;
        using (var read = await container.ReadItemStreamAsync(id, partition))
        {
            document = (await JsonNode.ParseAsync(read.Content))!.AsObject();
        }

        Assert.True(document.Remove(property));
        using var replaced = await container.ReplaceItemStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString())), id, partition);
        Assert.True(replaced.IsSuccessStatusCode, replaced.ErrorMessage);
    }

    private static CanonicalOrder Order(string id) => new()
    {
        OrderId = OrderId.Compose("shopify", "shop", id),
        Channel = "shopify",
        ChannelAccount = "shop",
        ChannelOrderId = id,
        PlacedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Currency = "EUR",
        LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 1, UnitPrice = new Money(1m, "EUR") }],
    };
}
