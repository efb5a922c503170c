using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// confirmShipment's <c>packageReferenceId</c> for a shipment. Amazon: "a seller-supplied identifier that uniquely
/// identifies a package within the scope of an order. Only positive numeric values are supported"; a second call with
/// the same value edits that package. So the value must be the same every time the same shipment is told (the
/// lifecycle repeats calls after crashes) and differ between the shipments of one order.
/// </summary>
/// <remarks>
/// A shipment id that already is a positive number of at most 9 digits (no leading zero) is used as it is, so it reads
/// the same in Seller Central. Any other id (fulfillment locations send free text) becomes 1 + SHA-256(id) mod
/// 999,999,999: deterministic across processes and restarts. Amazon documents no upper bound and all its examples are
/// small, so values stay below 2^31 in case Amazon stores them as 32-bit integers; two shipments of one order collide
/// with a probability of about one in a billion.
/// </remarks>
public static class PackageReferenceIds
{
    private const ulong Range = 999_999_999;

    public static string For(string shipmentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(shipmentId);
        if (shipmentId.Length <= 9 && shipmentId[0] != '0' && shipmentId.All(char.IsAsciiDigit))
        {
            return shipmentId;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(shipmentId));
        var value = (BinaryPrimitives.ReadUInt64BigEndian(hash) % Range) + 1;
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
