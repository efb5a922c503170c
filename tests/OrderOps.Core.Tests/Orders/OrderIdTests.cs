using OrderOps.Core.Orders;

namespace OrderOps.Core.Tests.Orders;

public class OrderIdTests
{
    [Fact]
    public void Compose_joins_channel_account_and_channel_order_id()
    {
        Assert.Equal("shopify:example.myshopify.com:450789469", OrderId.Compose("shopify", "example.myshopify.com", "450789469"));
    }

    [Fact]
    public void Parse_round_trips_and_keeps_colons_inside_the_channel_order_id()
    {
        Assert.True(OrderId.TryParse("edi:ACME:PO:77", out var channel, out var account, out var id));
        Assert.Equal(("edi", "ACME", "PO:77"), (channel, account, id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("shopify")]
    [InlineData("shopify:shop")]
    [InlineData("shopify::1")]
    [InlineData(":shop:1")]
    [InlineData("shopify:shop:")]
    public void Parse_rejects_ids_not_of_the_documented_shape(string value)
    {
        Assert.False(OrderId.TryParse(value, out _, out _, out _));
    }

    [Fact]
    public void Compose_refuses_an_account_containing_the_separator()
    {
        Assert.Throws<ArgumentException>(() => OrderId.Compose("edi", "A:B", "1"));
    }
}
