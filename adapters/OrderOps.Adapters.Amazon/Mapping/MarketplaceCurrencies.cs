namespace OrderOps.Adapters.Amazon.Mapping;

/// <summary>
/// The currency each Amazon marketplace sells in (marketplace ids as Amazon documents them in "Marketplace IDs").
/// Used only for the order's currency code when the order carries no money at all, which is how Amazon returns
/// Pending orders; it never produces an amount.
/// </summary>
internal static class MarketplaceCurrencies
{
    private static readonly Dictionary<string, string> ByMarketplace = new(StringComparer.Ordinal)
    {
        ["A2EUQ1WTGCTBG2"] = "CAD", // Canada
        ["ATVPDKIKX0DER"] = "USD", // United States
        ["A1AM78C64UM0Y8"] = "MXN", // Mexico
        ["A2Q3Y263D00KWC"] = "BRL", // Brazil
        ["A28R8C7NBKEWEA"] = "EUR", // Ireland
        ["A1RKKUPIHCS9HS"] = "EUR", // Spain
        ["A1F83G8C2ARO7P"] = "GBP", // United Kingdom
        ["A13V1IB3VIYZZH"] = "EUR", // France
        ["AMEN7PMS3EDWL"] = "EUR", // Belgium
        ["A1805IZSGTT6HS"] = "EUR", // Netherlands
        ["A1PA6795UKMFR9"] = "EUR", // Germany
        ["APJ6JRA9NG5V4"] = "EUR", // Italy
        ["A2NODRKZP88ZB9"] = "SEK", // Sweden
        ["AE08WJ6YKNBMC"] = "ZAR", // South Africa
        ["A1C3SOZRARQ6R3"] = "PLN", // Poland
        ["ARBP9OOSHTCHU"] = "EGP", // Egypt
        ["A33AVAJ2PDY3EV"] = "TRY", // Turkey
        ["A17E79C6D8DWNP"] = "SAR", // Saudi Arabia
        ["A2VIGQ35RCS4UG"] = "AED", // United Arab Emirates
        ["A21TJRUUN4KGV"] = "INR", // India
        ["A19VAU5U5O7RUS"] = "SGD", // Singapore
        ["A39IBJ37TRP1C6"] = "AUD", // Australia
        ["A1VC38T7YXB528"] = "JPY", // Japan
    };

    public static string? Find(string? marketplaceId) =>
        marketplaceId is not null && ByMarketplace.TryGetValue(marketplaceId, out var currency) ? currency : null;
}
