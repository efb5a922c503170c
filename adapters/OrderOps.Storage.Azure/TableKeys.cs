using System.Security.Cryptography;
using System.Text;

namespace OrderOps.Storage.Azure;

/// <summary>Table storage key helpers: PartitionKey and RowKey may not contain '/', '\', '#', '?' or control characters.</summary>
internal static class TableKeys
{
    /// <summary>Percent-escapes the characters Table storage forbids in keys (and '%' itself), so any id is a valid key.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.All(c => c is not ('/' or '\\' or '#' or '?' or '%') && !char.IsControl(c)))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>One of 64 buckets ("00".."63") from a stable hash of <paramref name="key"/>: spreads keys over partitions.</summary>
    public static string HashBucket(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return (hash[0] % 64).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An OData string literal for a Table query filter.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
