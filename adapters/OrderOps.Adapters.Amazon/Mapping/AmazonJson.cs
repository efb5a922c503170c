using System.Globalization;
using System.Text.Json.Nodes;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>Reading Amazon's JSON the same way in both mappers: lenient about types, strict about formats.</summary>
internal static class AmazonJson
{
    public static Money? Sum(IEnumerable<Money?> amounts)
    {
        Money? total = null;
        foreach (var amount in amounts)
        {
            if (amount is { } a)
            {
                total = total is { } t ? t + a : a;
            }
        }

        return total;
    }

    /// <summary>Amazon's money object (v0: Amount/CurrencyCode; v2026-01-01: amount/currencyCode); null when absent.</summary>
    public static Money? MoneyOf(JsonNode? node, string amountName, string currencyName)
    {
        if (node is not JsonObject money)
        {
            return null;
        }

        var code = Text(money, currencyName);
        var amount = Text(money, amountName);
        if (code is null || amount is null)
        {
            return null;
        }

        if (!decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{amount}' is not a money amount.");
        }

        return new Money(value, code);
    }

    public static string? Text(JsonObject obj, string name) => obj[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => string.IsNullOrWhiteSpace(s) ? null : s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static string RequiredText(JsonObject obj, string name) =>
        Text(obj, name) ?? throw new FormatException($"the order has no {name}.");

    public static int Int(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i
        : int.TryParse(Text(obj, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new FormatException($"{name} is missing or not a whole number.");

    public static bool Bool(JsonObject obj, string name) =>
        obj[name] is JsonValue v && ((v.TryGetValue<bool>(out var b) && b) || (v.TryGetValue<string>(out var s) && bool.TryParse(s, out var p) && p));

    public static DateTimeOffset? Time(JsonObject obj, string name)
    {
        var text = Text(obj, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new FormatException($"{name} '{text}' is not an ISO 8601 time.");
    }

    public static DateTimeOffset RequiredTime(JsonObject obj, string name) =>
        Time(obj, name) ?? throw new FormatException($"the order has no {name}.");

    /// <summary>
    /// Amazon's address: v0 <c>Address</c> (PascalCase) and v2026-01-01 <c>CustomerAddress</c> carry the same fields,
    /// the newer camel-cased.
    /// </summary>
    public static Address? AddressOf(JsonObject? address, bool v0Names)
    {
        if (address is null)
        {
            return null;
        }

        string Field(string name) => v0Names ? char.ToUpperInvariant(name[0]) + name[1..] : name;
        var line2 = string.Join(", ", new[] { Text(address, Field("addressLine2")), Text(address, Field("addressLine3")) }.Where(l => !string.IsNullOrWhiteSpace(l)));
        return new Address
        {
            Name = Text(address, Field("name")),
            Company = Text(address, Field("companyName")),
            Line1 = Text(address, Field("addressLine1")),
            Line2 = line2.Length == 0 ? null : line2,
            City = Text(address, Field("city")),
            Region = Text(address, Field("stateOrRegion")),
            PostalCode = Text(address, Field("postalCode")),
            CountryCode = Text(address, Field("countryCode"))?.ToUpperInvariant(),
            Phone = Text(address, Field("phone")),
        };
    }
}
