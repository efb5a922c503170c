using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OrderOps.Storage.Embedded.Orders;

/// <summary>Keyset paging position: the last (modified time, order id) of the previous page, base64url encoded.</summary>
internal readonly record struct OrderContinuation(DateTimeOffset ModifiedAt, string OrderId)
{
    public static string Encode(OrderContinuation position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{position.ModifiedAt.ToUnixTimeMilliseconds()}|{position.OrderId}")));

    /// <summary>False for null; throws <see cref="FormatException"/> for a token this store did not write.</summary>
    public static bool TryDecode(string? token, out OrderContinuation position)
    {
        position = default;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new FormatException("The continuation token is not one this service issued.");
        }

        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            throw new FormatException("The continuation token is not one this service issued.");
        }

        position = new OrderContinuation(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(bar + 1)..]);
        return true;
    }
}
