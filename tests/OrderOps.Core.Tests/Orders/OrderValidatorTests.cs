using OrderOps.Core.Orders;

namespace OrderOps.Core.Tests.Orders;

public class OrderValidatorTests
{
    [Fact]
    public void A_complete_order_has_no_errors()
    {
        Assert.Empty(OrderValidator.Validate(SampleOrders.Valid()));
    }

    [Fact]
    public void Errors_name_the_exact_field()
    {
        var order = SampleOrders.Valid() with
        {
            Currency = "usd",
            LineItems =
            [
                new LineItem { LineId = "1", Title = "A", Quantity = 0, UnitPrice = new Money(-1m, "USD") },
                new LineItem { LineId = "1", Title = "", Quantity = 1, UnitPrice = new Money(1m, "EUR") },
            ],
        };

        var fields = OrderValidator.Validate(order).Select(e => e.Field).ToHashSet();

        Assert.Contains("currency", fields);
        Assert.Contains("lineItems[0].quantity", fields);
        Assert.Contains("lineItems[0].unitPrice.amount", fields);
        Assert.Contains("lineItems[1].lineId", fields);
        Assert.Contains("lineItems[1].title", fields);
        Assert.Contains("lineItems[1].unitPrice.currency", fields);
    }

    [Fact]
    public void The_order_id_must_be_the_deterministic_one()
    {
        var errors = OrderValidator.Validate(SampleOrders.Valid() with { OrderId = "shopify:other:1" });
        Assert.Equal("orderId", Assert.Single(errors).Field);
    }

    [Fact]
    public void Times_must_be_utc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 5, 0, 0, TimeSpan.FromHours(-5));
        var errors = OrderValidator.Validate(SampleOrders.Valid() with { PlacedAt = local, UpdatedAt = local });
        Assert.Contains(errors, e => e.Field == "placedAt");
        Assert.Contains(errors, e => e.Field == "updatedAt");
    }

    [Fact]
    public void An_order_without_lines_or_with_a_bad_email_or_country_is_invalid()
    {
        var order = SampleOrders.Valid() with
        {
            LineItems = [],
            Customer = new Customer { Email = "not an email" },
            ShippingAddress = new Address { CountryCode = "usa" },
        };

        var fields = OrderValidator.Validate(order).Select(e => e.Field).ToList();

        Assert.Equal(["customer.email", "shippingAddress.countryCode", "lineItems"], fields);
    }

    [Fact]
    public void Unpriced_lines_are_allowed_because_amazon_pending_orders_have_no_prices()
    {
        var order = SampleOrders.Valid() with { LineItems = [new LineItem { LineId = "1", Title = "A", Quantity = 1 }], Totals = new OrderTotals() };
        Assert.Empty(OrderValidator.Validate(order));
    }

    [Fact]
    public void A_cancelled_order_may_have_lines_with_nothing_left_ordered_but_never_negative()
    {
        var cancelled = SampleOrders.Valid() with
        {
            Cancellation = new Cancellation { CancelledAt = SampleOrders.Placed },
            LineItems = [new LineItem { LineId = "1", Title = "A", Quantity = 0 }, new LineItem { LineId = "2", Title = "B", Quantity = -1 }],
        };

        Assert.Equal(["lineItems[1].quantity"], OrderValidator.Validate(cancelled).Select(e => e.Field));
    }

    [Theory]
    [InlineData("USD", true)]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("XXX", false)]
    [InlineData("US", false)]
    [InlineData("usd", false)]
    public void Currency_codes_are_checked_against_iso_4217(string code, bool valid)
    {
        Assert.Equal(valid, Iso4217.IsValid(code));
    }
}
