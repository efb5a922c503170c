using OrderOps.Core.Orders;

namespace OrderOps.Core.Tests.Orders;

public sealed class OrderSearchKeysTests
{
    /// <summary>SHA-256 of "bob.norman@mail.example.com", computed apart: <c>printf %s bob.norman@mail.example.com | sha256sum</c>.</summary>
    private const string BobHash = "caa7822525c07341082aa1fdde58f99cc7e8e1395ffb28e6fe6fe1776f9dd75e";

    [Fact]
    public void An_email_key_is_the_sha256_of_the_trimmed_lower_cased_address_and_never_the_address()
    {
        const string Expected = "email:" + BobHash;

        Assert.Equal(Expected, OrderSearchKeys.Email("bob.norman@mail.example.com"));
        Assert.Equal(Expected, OrderSearchKeys.Email("  Bob.Norman@MAIL.example.com\t"));
        Assert.DoesNotContain("bob", OrderSearchKeys.Email("bob.norman@mail.example.com"), StringComparison.OrdinalIgnoreCase);
        Assert.Null(OrderSearchKeys.Email("   "));
        Assert.Null(OrderSearchKeys.Email(null));
    }

    [Fact]
    public void An_order_has_one_key_per_distinct_sku_and_its_email()
    {
        var order = new CanonicalOrder
        {
            OrderId = "shopify:shop:1",
            Channel = "shopify",
            ChannelAccount = "shop",
            ChannelOrderId = "1",
            PlacedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            Currency = "USD",
            Customer = new Customer { Email = "bob.norman@mail.example.com" },
            LineItems = [Line("1", "MUG-1"), Line("2", "MUG-1"), Line("3", null), Line("4", " "), Line("5", "Tee/M")],
        };

        Assert.Equal(["email:" + BobHash, "sku:MUG-1", "sku:Tee/M"], OrderSearchKeys.For(order));
    }

    [Fact]
    public void A_term_with_an_at_sign_may_be_an_email_or_a_sku_and_any_other_only_a_sku()
    {
        Assert.Equal(["email:" + BobHash, "sku:bob.norman@mail.example.com"], OrderSearchKeys.ForTerm(" bob.norman@mail.example.com "));
        Assert.Equal(["sku:MUG-1"], OrderSearchKeys.ForTerm("MUG-1"));
    }

    private static LineItem Line(string id, string? sku) => new() { LineId = id, Sku = sku, Title = "T", Quantity = 1 };
}
