namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// Amazon's <c>carrierCode</c> for a carrier as a fulfillment location names it. confirmShipment's model points to the
/// <c>CarrierCode</c> list of Amazon's amzn-base.xsd; every value of that list is recognised (case, spaces and
/// punctuation ignored), plus the carriers' full names for the common ones. Anything else is sent as
/// <c>carrierCode</c> "Other" with the name in <c>carrierName</c>, which the model requires in that case.
/// </summary>
public static class AmazonCarrierCodes
{
    public const string Other = "Other";

    // amzn-base.xsd CarrierCode values (release 1.9, the list confirmShipment's model links to).
    private static readonly string[] XsdCodes =
    [
        "USPS", "UPS", "UPSMI", "FedEx", "DHL", "Fastway", "GLS", "GO!", "Hermes Logistik Gruppe", "Royal Mail", "Parcelforce",
        "City Link", "TNT", "Target", "SagawaExpress", "NipponExpress", "YamatoTransport", "DHL Global Mail",
        "UPS Mail Innovations", "FedEx SmartPost", "OSM", "OnTrac", "Streamlite", "Newgistics", "Canada Post",
        "Blue Package", "Chronopost", "Deutsche Post", "DPD", "La Poste", "Parcelnet", "Poste Italiane", "SDA", "Smartmail",
        "FEDEX_JP", "JP_EXPRESS", "NITTSU", "SAGAWA", "YAMATO", "BlueDart", "AFL/Fedex", "Aramex", "India Post",
        "Professional", "DTDC", "Overnite Express", "First Flight", "Delhivery", "Lasership", "Yodel",
    ];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["unitedstatespostalservice"] = "USPS",
        ["uspostalservice"] = "USPS",
        ["unitedparcelservice"] = "UPS",
        ["federalexpress"] = "FedEx",
        ["dhlexpress"] = "DHL",
        ["postescanada"] = "Canada Post",
    };

    private static readonly Dictionary<string, string> ByKey = BuildIndex();

    /// <summary>The carrier code and the carrier name to send for <paramref name="carrier"/>.</summary>
    public static (string CarrierCode, string CarrierName) Map(string carrier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(carrier);
        var name = carrier.Trim();
        return ByKey.TryGetValue(Key(name), out var code) ? (code, name) : (Other, name);
    }

    private static Dictionary<string, string> BuildIndex()
    {
        var index = new Dictionary<string, string>(Aliases, StringComparer.Ordinal);
        foreach (var code in XsdCodes)
        {
            index.TryAdd(Key(code), code);
        }

        return index;
    }

    private static string Key(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
