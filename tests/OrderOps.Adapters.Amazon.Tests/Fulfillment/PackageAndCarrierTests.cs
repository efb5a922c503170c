using System.Globalization;
using OrderOps.Adapters.Amazon.Fulfillment;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests.Fulfillment;

public sealed class PackageAndCarrierTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("101", "101")]
    [InlineData("999999999", "999999999")]
    public void A_small_positive_numeric_shipment_id_is_its_own_package_reference(string shipmentId, string expected) =>
        Assert.Equal(expected, PackageReferenceIds.For(shipmentId));

    [Theory]
    [InlineData("location-east/shipment-0001")]
    [InlineData("0012")]
    [InlineData("1234567890")]
    [InlineData("s-1")]
    public void Any_other_shipment_id_becomes_a_stable_positive_number_below_two_to_the_31(string shipmentId)
    {
        var reference = PackageReferenceIds.For(shipmentId);

        Assert.Equal(reference, PackageReferenceIds.For(shipmentId));
        Assert.True(long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and < int.MaxValue, reference);
        Assert.NotEqual(reference, PackageReferenceIds.For(shipmentId + "x"));
    }

    [Theory]
    [InlineData("UPS", "UPS")]
    [InlineData("usps", "USPS")]
    [InlineData("United States Postal Service", "USPS")]
    [InlineData("FedEx", "FedEx")]
    [InlineData("Federal Express", "FedEx")]
    [InlineData("fedex smartpost", "FedEx SmartPost")]
    [InlineData("Royal Mail", "Royal Mail")]
    [InlineData("royalmail", "Royal Mail")]
    [InlineData("Canada Post", "Canada Post")]
    [InlineData("DHL Express", "DHL")]
    [InlineData("OnTrac", "OnTrac")]
    [InlineData("Acme Freight", "Other")]
    public void Carriers_amazon_lists_get_its_code_and_the_rest_are_Other(string carrier, string code)
    {
        var (carrierCode, carrierName) = AmazonCarrierCodes.Map(carrier);

        Assert.Equal(code, carrierCode);
        Assert.Equal(carrier, carrierName); // Always sent; required when the code is Other.
    }
}
