namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>The X12 code values the 850 mapper acts on; every other code is kept verbatim in channel metadata.</summary>
internal static class X12Codes
{
    // 235 Product/Service ID Qualifier (PO106/PO107 ... pairs).
    public const string BuyerPartNumber = "BP";
    public const string BuyerItemNumber = "IN";
    public const string BuyerCatalogNumber = "CB";
    public const string VendorPartNumber = "VP";
    public const string VendorItemNumber = "VN";
    public const string StockKeepingUnit = "SK";
    public const string UpcConsumerPackageCode = "UP";
    public const string Ean13 = "EN";
    public const string ProductDescription = "PD";

    /// <summary>Our SKU is the vendor's (seller's) number: we are the vendor receiving the PO.</summary>
    public static readonly string[] SkuPreference = [StockKeepingUnit, VendorPartNumber, VendorItemNumber, UpcConsumerPackageCode, Ean13];

    /// <summary>The buyer's own id for the product, the channel's item id.</summary>
    public static readonly string[] ChannelItemPreference = [BuyerPartNumber, BuyerItemNumber, BuyerCatalogNumber];

    // 98 Entity Identifier Code (N101).
    public const string ShipTo = "ST";
    public const string BillTo = "BT";
    public const string Buyer = "BY";

    // 374 Date/Time Qualifier (DTM01): ship-by dates, most binding first. 037 (ship not before) is not a ship-by.
    // Element codes compared against segment bytes are UTF-8 literals, so matching allocates nothing.
    public static ReadOnlySpan<byte> ShipNoLater => "038"u8;

    public static ReadOnlySpan<byte> RequestedShip => "010"u8;

    // 522 Amount Qualifier Code (AMT01).
    public static ReadOnlySpan<byte> TotalTransactionAmount => "TT"u8;

    public static ReadOnlySpan<byte> LineItemTotal => "1"u8;

    // 365 Communication Number Qualifier (PER03/05/07).
    public static ReadOnlySpan<byte> Telephone => "TE"u8;

    public static ReadOnlySpan<byte> Email => "EM"u8;

    // 353 Transaction Set Purpose Code (BEG01).
    public const string Cancellation = "01";

    // 349 PID01 Item Description Type: F free-form.
    public static ReadOnlySpan<byte> FreeForm => "F"u8;

    /// <summary>
    /// N404 is an ISO 3166 code in X12 (2 letters); some partners send the alpha-3 of North America. Others are kept
    /// in metadata only, because the canonical address needs alpha-2.
    /// </summary>
    public static string? ToAlpha2Country(string? code) => code switch
    {
        null => null,
        { Length: 2 } when code.All(char.IsAsciiLetterUpper) => code,
        "USA" => "US",
        "CAN" => "CA",
        "MEX" => "MX",
        _ => null,
    };
}
