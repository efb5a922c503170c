using System.Security.Cryptography;
using System.Text;

namespace OrderOps.Core.Orders;

/// <summary>
/// The keys an order can be found by besides its ids: its customer's e-mail and the SKUs of its lines. Both storage
/// backends keep an index entry per (key, order), written with the order and rewritten when its e-mail or lines change,
/// so a search is a lookup of one key, never a scan of the orders (the Azure backend could not scan them anyway:
/// listing across Cosmos DB partitions needs the cross-partition query cosmosdb-server lacks).
/// <para>
/// The e-mail is personal data: its key is <c>email:</c> + the SHA-256 (lower-case hex) of the trimmed, lower-cased
/// address, so it never appears in clear in an index key, a table row or a log line. An unsalted hash still lets someone
/// holding the index test a guessed address; it keeps the address out of sight, it does not make a guess impossible.
/// A SKU is not personal: its key is <c>sku:</c> + the SKU exactly as the line carries it (exact match).
/// </para>
/// </summary>
public static class OrderSearchKeys
{
    public const string EmailPrefix = "email:";
    public const string SkuPrefix = "sku:";

    /// <summary>The distinct keys of <paramref name="order"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> For(CanonicalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (Email(order.Customer?.Email) is { } email)
        {
            keys.Add(email);
        }

        foreach (var line in order.LineItems)
        {
            if (Sku(line.Sku) is { } sku)
            {
                keys.Add(sku);
            }
        }

        return [.. keys];
    }

    /// <summary>The key of an e-mail address; null for a blank one.</summary>
    public static string? Email(string? address)
    {
        var normalized = address?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(normalized)
            ? null
            : EmailPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>The key of a SKU; null for a blank one.</summary>
    public static string? Sku(string? sku) => string.IsNullOrWhiteSpace(sku) ? null : SkuPrefix + sku;

    /// <summary>
    /// The keys an operator's search term may mean: a SKU always, an e-mail too when the term has an '@'. Order ids and
    /// channel order numbers are matched by <see cref="Ports.IOrderOverview.FindAsync"/> itself.
    /// </summary>
    public static IReadOnlyList<string> ForTerm(string term)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(term);
        var sku = Sku(term.Trim())!;
        return term.Contains('@', StringComparison.Ordinal) && Email(term) is { } email ? [email, sku] : [sku];
    }
}
