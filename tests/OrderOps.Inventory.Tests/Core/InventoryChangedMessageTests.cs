using System.Text;
using System.Text.Json;
using OrderOps.Core.Inventory.FanOut;

namespace OrderOps.Inventory.Tests.Core;

public sealed class InventoryChangedMessageTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void One_commit_is_one_message_of_its_distinct_skus_in_order_and_reads_back()
    {
        var message = Assert.Single(InventoryChangedMessage.For(["B", "A", "B", "a"], At));

        var parsed = InventoryChangedMessage.Parse(message.Body);

        Assert.Equal(["A", "B", "a"], parsed.Skus);
        Assert.Equal(At, parsed.ChangedAt);
        Assert.Equal("{\"skus\":[\"A\",\"B\",\"a\"],\"changedAt\":\"2026-12-03T09:00:00+00:00\"}", message.Body);
    }

    [Fact]
    public void Released_skus_travel_with_their_message_and_a_body_without_them_reads_as_none()
    {
        var message = Assert.Single(InventoryChangedMessage.For(["B", "A"], At, released: ["B", "Z"]));

        var parsed = InventoryChangedMessage.Parse(message.Body);

        Assert.Equal(["A", "B"], parsed.Skus);
        Assert.Equal(["B"], parsed.Released);
        Assert.Null(InventoryChangedMessage.Parse("{\"skus\":[\"A\"],\"changedAt\":\"2026-12-03T09:00:00+00:00\"}").Released);
    }

    [Fact]
    public void A_huge_commit_split_in_parts_keeps_each_released_sku_in_the_part_that_names_it()
    {
        var skus = Enumerable.Range(0, 2_000).Select(i => $"SKU-{i:D5}-{new string('x', 190)}").ToList();
        var released = skus.Where((_, i) => i % 7 == 0).ToList();

        var parts = InventoryChangedMessage.For(skus, At, released).Select(m => InventoryChangedMessage.Parse(m.Body)).ToList();

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.Subset(p.Skus.ToHashSet(), (p.Released ?? []).ToHashSet()));
        Assert.Equal(released, parts.SelectMany(p => p.Released ?? []));
    }

    [Fact]
    public void No_sku_is_no_message_and_a_huge_commit_is_split_below_the_storage_queue_limit()
    {
        Assert.Empty(InventoryChangedMessage.For([], At));

        // 2,000 SKUs of 200 characters (the longest a SKU may be), some of them two bytes per character in UTF-8.
        var skus = Enumerable.Range(0, 2_000).Select(i => $"SKU-{i:D5}-{new string(i % 2 == 0 ? 'x' : 'é', 190)}").Order(StringComparer.Ordinal).ToList();
        var messages = InventoryChangedMessage.For(skus, At);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(Encoding.UTF8.GetByteCount(m.Body), 1, InventoryChangedMessage.MaxBodyBytes));
        Assert.Equal(skus, messages.SelectMany(m => InventoryChangedMessage.Parse(m.Body).Skus));
        Assert.Equal(messages.Count, messages.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public void A_body_that_is_not_a_message_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => InventoryChangedMessage.Parse("null"));
        Assert.ThrowsAny<JsonException>(() => InventoryChangedMessage.Parse("{\"changedAt\":\"2026-12-03T09:00:00+00:00\"}"));
    }
}
