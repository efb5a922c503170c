using System.Text;
using OrderOps.Adapters.EdiX12.Configuration;

namespace OrderOps.Adapters.EdiX12.Tests.Support;

/// <summary>The published fixtures (see Fixtures/SOURCES.md) and the partner configuration that matches them.</summary>
internal static class Fixture
{
    /// <summary>node-x12 850/850_2/850_fat: ISA05/06 12/4405197800 to ISA07/08 01/999999999.</summary>
    public const string XyzPartner = "xyz-retail";

    /// <summary>node-x12 850_3: 12/0000000000 to 12/0000000000.</summary>
    public const string PetcoPartner = "petco";

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name), Encoding.ASCII);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static EdiOptions XyzOptions() => new()
    {
        InterchangeReceiverQualifier = "01",
        InterchangeReceiverId = "999999999",
        Partners = new(StringComparer.Ordinal)
        {
            [XyzPartner] = new EdiPartnerOptions { InterchangeSenderQualifier = "12", InterchangeSenderId = "4405197800" },
        },
    };

    public static EdiOptions PetcoOptions() => new()
    {
        InterchangeReceiverQualifier = "12",
        InterchangeReceiverId = "0000000000",
        Partners = new(StringComparer.Ordinal)
        {
            [PetcoPartner] = new EdiPartnerOptions { InterchangeSenderQualifier = "12", InterchangeSenderId = "0000000000", DefaultCurrency = "USD" },
        },
    };

    /// <summary>Options for the 855 fixture (ZZ/1556150 to ZZ/123MILL).</summary>
    public static EdiOptions MillOptions() => new()
    {
        InterchangeReceiverQualifier = "ZZ",
        InterchangeReceiverId = "123MILL",
        Partners = new(StringComparer.Ordinal)
        {
            ["book-supplier"] = new EdiPartnerOptions { InterchangeSenderQualifier = "ZZ", InterchangeSenderId = "1556150" },
        },
    };

    /// <summary>Replaces exactly one occurrence, so a derived broken fixture cannot silently stay unbroken.</summary>
    public static string ReplaceOnce(this string text, string oldValue, string newValue)
    {
        var first = text.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(first >= 0, $"'{oldValue}' not found");
        Assert.True(text.IndexOf(oldValue, first + 1, StringComparison.Ordinal) < 0, $"'{oldValue}' occurs more than once");
        return string.Concat(text.AsSpan(0, first), newValue, text.AsSpan(first + oldValue.Length));
    }
}
