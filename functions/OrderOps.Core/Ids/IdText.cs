using System.Globalization;

namespace OrderOps.Core.Ids;

/// <summary>
/// What an id (SKU, order id, PO number, movement, location, shipment, exception id) may contain: any printable
/// Unicode text, including '/', '#', '%', ':' and inner spaces, at most <see cref="MaxLength"/> characters; never
/// control characters (NUL, CR, LF, TAB, DEL, C1), never bidirectional-formatting characters (LRM/RLM, the
/// embeddings, overrides and isolates, which make two different ids look alike), and no white space at either end
/// (padding makes "SKU1 " a second SKU that looks like "SKU1"). Checked at every way in, so stored ids are clean.
/// </summary>
public static class IdText
{
    public const int MaxLength = 200;

    /// <summary>Why <paramref name="value"/> is not a valid id, phrased to follow the field name; null when it is valid.</summary>
    public static string? Problem(string? value, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is required.";
        }

        if (value.Length > maxLength)
        {
            return $"must be at most {maxLength} characters.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || IsBidiFormatting(c))
            {
                return $"must not contain control or bidirectional-formatting characters (U+{(int)c:X4} at position {i.ToString(CultureInfo.InvariantCulture)}).";
            }
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return "must not start or end with white space.";
        }

        return null;
    }

    /// <summary>True when <paramref name="value"/> is a valid id.</summary>
    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Adds "field problem" to <paramref name="errors"/> when the id is invalid; true when it was valid.</summary>
    public static bool Check(string? value, string field, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Problem(value) is not { } problem)
        {
            return true;
        }

        errors[field] = [problem];
        return false;
    }

    private static bool IsBidiFormatting(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
