using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Orders;

namespace OrderOps.Storage.Tests.Embedded;

/// <summary>
/// Lists read the order_summaries table and search the order_search_keys table; a data directory written before those
/// tables existed must list and find the same.
/// </summary>
public sealed class SqliteOrderSummaryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-summary-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Orders_stored_before_the_summaries_table_existed_are_summarised_when_the_file_is_opened()
    {
        OrderRecord saved;
        using (var database = Open())
        {
            saved = await new SqliteOrderStore(database, _time).SaveAsync(new OrderRecord { Order = Order(), Status = "allocated" }, null, [], default);
            // What an older build left: the order without a summary row (and without the table, which the script recreates).
            await ExecuteAsync(database, "DROP TABLE order_summaries");
        }

        using (var reopened = Open())
        {
            var store = new SqliteOrderStore(reopened, _time);
            Assert.Equal(OrderSummary.From(saved), Assert.Single((await store.ListAsync(new OrderQuery(), default)).Orders));
        }
    }

    [Fact]
    public async Task Orders_stored_before_search_keys_existed_are_found_by_email_and_sku_once_the_file_is_opened()
    {
        var order = Order() with
        {
            Customer = new Customer { Email = "Buyer@Acme.example" },
            LineItems = [new LineItem { LineId = "1", Sku = "MUG-1", Title = "T", Quantity = 3, UnitPrice = new Money(2.50m, "USD") }],
        };
        using (var database = Open())
        {
            await new SqliteOrderStore(database, _time).SaveAsync(new OrderRecord { Order = order, Status = "allocated" }, null, [], default);
            // What an older build left: no search keys table, no record of the fill.
            await ExecuteAsync(database, "DROP TABLE order_search_keys; DROP TABLE schema_backfills");
        }

        using (var reopened = Open())
        {
            var overview = new SqliteOrderOverview(reopened);
            Assert.Equal([order.OrderId], await overview.FindByKeyAsync(OrderSearchKeys.Email("buyer@acme.example")!, 10, default));
            Assert.Equal([order.OrderId], await overview.FindByKeyAsync(OrderSearchKeys.Sku("MUG-1")!, 10, default));
        }
    }

    private static Task<int> ExecuteAsync(SqliteDatabase database, string sql) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return await command.ExecuteNonQueryAsync();
        }, default);

    private SqliteDatabase Open() => new(new EmbeddedStorageOptions { DataDirectory = _directory });

    private static CanonicalOrder Order() => new()
    {
        OrderId = OrderId.Compose("edi", "acme", "PO/2026/001"),
        Channel = "edi",
        ChannelAccount = "acme",
        ChannelOrderId = "PO/2026/001",
        PlacedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Currency = "USD",
        LineItems = [new LineItem { LineId = "1", Title = "T", Quantity = 3, UnitPrice = new Money(2.50m, "USD") }],
        Totals = new OrderTotals { Total = new Money(7.50m, "USD") },
    };
}
