using OrderOps.Core.Ids;

namespace OrderOps.Core.Orders;

/// <summary>One problem with one field, addressed by a JSON-style path such as <c>lineItems[2].quantity</c>.</summary>
public sealed record ValidationError(string Field, string Message);

/// <summary>
/// Checks a canonical order against schema v1's rules that the type system cannot express.
/// Returns every problem at once so a caller can show them all.
/// </summary>
public static class OrderValidator
{
    public static IReadOnlyList<ValidationError> Validate(CanonicalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (order.SchemaVersion != CanonicalOrder.CurrentSchemaVersion)
        {
            Fail("schemaVersion", $"must be {CanonicalOrder.CurrentSchemaVersion}.");
        }

        if (!Channels.IsKnown(order.Channel))
        {
            Fail("channel", $"must be one of {string.Join(", ", Channels.All)}.");
        }

        Require(order.ChannelAccount, "channelAccount");
        RequireId(order.ChannelOrderId, "channelOrderId");
        if (Channels.IsKnown(order.Channel) && !string.IsNullOrWhiteSpace(order.ChannelAccount) && !string.IsNullOrWhiteSpace(order.ChannelOrderId))
        {
            var expected = OrderId.Compose(order.Channel, order.ChannelAccount, order.ChannelOrderId);
            if (!string.Equals(order.OrderId, expected, StringComparison.Ordinal))
            {
                Fail("orderId", $"must be '{expected}' ({{channel}}:{{channelAccount}}:{{channelOrderId}}).");
            }
        }

        RequireUtc(order.PlacedAt, "placedAt");
        RequireUtc(order.UpdatedAt, "updatedAt");
        if (order.UpdatedAt < order.PlacedAt)
        {
            Fail("updatedAt", "must not be earlier than placedAt.");
        }

        if (!Iso4217.IsValid(order.Currency))
        {
            Fail("currency", "must be an ISO 4217 alphabetic code such as USD.");
        }

        if (order.Customer?.Email is { Length: > 0 } email && !LooksLikeEmail(email))
        {
            Fail("customer.email", "is not an email address.");
        }

        ValidateAddress(order.ShippingAddress, "shippingAddress");
        ValidateAddress(order.BillingAddress, "billingAddress");

        if (order.LineItems.Count == 0)
        {
            Fail("lineItems", "must contain at least one line.");
        }

        var lineIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < order.LineItems.Count; i++)
        {
            var line = order.LineItems[i];
            var path = $"lineItems[{i}]";
            if (IdText.Problem(line.LineId) is { } lineIdProblem)
            {
                Fail($"{path}.lineId", lineIdProblem);
            }
            else if (!lineIds.Add(line.LineId))
            {
                Fail($"{path}.lineId", $"'{line.LineId}' appears more than once.");
            }

            if (line.Sku is { Length: > 0 } && IdText.Problem(line.Sku) is { } skuProblem)
            {
                Fail($"{path}.sku", skuProblem);
            }

            if (string.IsNullOrWhiteSpace(line.Title))
            {
                Fail($"{path}.title", "is required.");
            }

            // A cancelled order may report lines with nothing left ordered (Amazon sends QuantityOrdered 0).
            if (line.Quantity < 0 || (line.Quantity == 0 && order.Cancellation is null))
            {
                Fail($"{path}.quantity", order.Cancellation is null ? "must be greater than zero." : "must not be negative.");
            }

            CheckMoney(line.UnitPrice, $"{path}.unitPrice");
            for (var d = 0; d < line.Discounts.Count; d++)
            {
                CheckMoney(line.Discounts[d].Amount, $"{path}.discounts[{d}].amount");
            }

            for (var t = 0; t < line.Taxes.Count; t++)
            {
                CheckMoney(line.Taxes[t].Amount, $"{path}.taxes[{t}].amount");
            }
        }

        for (var i = 0; i < order.ShippingLines.Count; i++)
        {
            var line = order.ShippingLines[i];
            if (string.IsNullOrWhiteSpace(line.Title))
            {
                Fail($"shippingLines[{i}].title", "is required.");
            }

            CheckMoney(line.Price, $"shippingLines[{i}].price");
            for (var t = 0; t < line.Taxes.Count; t++)
            {
                CheckMoney(line.Taxes[t].Amount, $"shippingLines[{i}].taxes[{t}].amount");
            }
        }

        CheckMoney(order.Totals.Subtotal, "totals.subtotal");
        CheckMoney(order.Totals.Discounts, "totals.discounts");
        CheckMoney(order.Totals.Shipping, "totals.shipping");
        CheckMoney(order.Totals.Tax, "totals.tax");
        CheckMoney(order.Totals.Total, "totals.total");

        if (order.Cancellation is { } cancellation)
        {
            RequireUtc(cancellation.CancelledAt, "cancellation.cancelledAt");
        }

        if (order.ShipBy is { } shipBy)
        {
            RequireUtc(shipBy, "shipBy");
        }

        return errors;

        void RequireId(string? value, string field)
        {
            if (IdText.Problem(value) is { } problem)
            {
                Fail(field, problem);
            }
        }

        void Require(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Fail(field, "is required.");
            }
        }

        void RequireUtc(DateTimeOffset value, string field)
        {
            if (value == default)
            {
                Fail(field, "is required.");
            }
            else if (value.Offset != TimeSpan.Zero)
            {
                Fail(field, "must be in UTC (offset +00:00).");
            }
        }

        void CheckMoney(Money? money, string field)
        {
            if (money is not { } m)
            {
                return;
            }

            if (!string.Equals(m.Currency, order.Currency, StringComparison.Ordinal))
            {
                Fail($"{field}.currency", $"'{m.Currency}' differs from the order currency '{order.Currency}'.");
            }

            if (m.Amount < 0)
            {
                Fail($"{field}.amount", "must not be negative.");
            }
        }

        void ValidateAddress(Address? address, string field)
        {
            if (address?.CountryCode is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            {
                Fail($"{field}.countryCode", "must be an ISO 3166-1 alpha-2 code in upper case.");
            }
        }
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && email.IndexOf('.', at) > at + 1 && !email.Any(char.IsWhiteSpace);
    }
}
