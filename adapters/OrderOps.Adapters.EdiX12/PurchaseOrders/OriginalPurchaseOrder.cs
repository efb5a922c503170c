using System.Text.Json.Nodes;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>One PO1 loop of the 850 as the partner sent it: the PO1 elements verbatim and its first free-form PID.</summary>
/// <param name="LineId">The canonical line id: PO101 trimmed, or the line's ordinal when PO101 is empty (as the mapper does).</param>
/// <param name="Po1">The PO1 segment split into elements, [0] = "PO1", [1] = PO101 …</param>
/// <param name="Description">The first <c>PID*F</c> of the loop split into elements, or null.</param>
internal sealed record OriginalLine(string LineId, string[] Po1, string[]? Description)
{
    /// <summary>PO101 as sent, else the ordinal line id: what LIN01/SN101 carry.</summary>
    public string AssignedId => Element(1) is { Length: > 0 } sent ? sent : LineId;

    /// <summary>PO102 as sent.</summary>
    public string Quantity => Element(2);

    /// <summary>PO103, the unit the partner ordered in (EA, CA…), or null when absent.</summary>
    public string? UnitOfMeasure => Element(3) is { Length: > 0 } unit ? unit : null;

    /// <summary>PO106/PO107 onwards: (qualifier, id) pairs such as (VN, AB3542), (UP, 012345678905).</summary>
    public IEnumerable<(string Qualifier, string Id)> ProductIds()
    {
        for (var i = 6; i + 1 < Po1.Length; i += 2)
        {
            if (Po1[i].Length > 0 && Po1[i + 1].Length > 0)
            {
                yield return (Po1[i], Po1[i + 1]);
            }
        }
    }

    private string Element(int position) => position < Po1.Length ? Po1[position] : string.Empty;
}

/// <summary>
/// The 850 behind an EDI order, read back from <c>channelMetadata.edi</c> (the verbatim set text the mapper keeps):
/// what an 855 or 856 must echo to the partner exactly as it was sent — PO1 line numbers, quantities, units, prices
/// and product ids, BEG04, the ship-to N1 loop and the GS08 version. Orders mapped before the separators were kept
/// next to the text are split by the separators found in the text itself: the character after the first segment id
/// is the element separator and the text ends with a segment terminator.
/// </summary>
internal sealed class OriginalPurchaseOrder
{
    private readonly Dictionary<string, OriginalLine> _byLineId;

    private OriginalPurchaseOrder(string? release, string version, List<OriginalLine> lines, List<string[]> shipTo)
    {
        Release = release;
        Version = version;
        Lines = lines;
        ShipTo = shipTo;
        _byLineId = lines.GroupBy(l => l.LineId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>BEG04, the release number, when sent.</summary>
    public string? Release { get; }

    /// <summary>GS08 of the 850's group (e.g. 004010VICS); our reply speaks the same version. 004010 when unknown.</summary>
    public string Version { get; }

    public IReadOnlyList<OriginalLine> Lines { get; }

    /// <summary>The header N1*ST loop's N1/N2/N3/N4 segments split into elements; empty when the 850 had none.</summary>
    public IReadOnlyList<string[]> ShipTo { get; }

    public OriginalLine? Line(string lineId) => _byLineId.GetValueOrDefault(lineId);

    /// <summary>The 850 of an EDI order, or null when the order carries no 850 text.</summary>
    public static OriginalPurchaseOrder? From(CanonicalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.ChannelMetadata["edi"] is not JsonObject edi || Text(edi, "x12") is not { Length: > 0 } x12)
        {
            return null;
        }

        var element = Text(edi, "elementSeparator") is { Length: 1 } e ? e[0] : InferElementSeparator(x12);
        var terminator = Text(edi, "segmentTerminator") is { Length: 1 } t ? t[0] : x12[^1];
        var version = Text(edi, "version") is { Length: > 0 } v ? v : "004010";
        string? release = null;
        var lines = new List<OriginalLine>();
        var shipTo = new List<string[]>();
        string[]? po1 = null;
        string[]? description = null;
        var inShipTo = false;
        foreach (var segment in x12.Split(terminator, StringSplitOptions.RemoveEmptyEntries))
        {
            var elements = segment.Split(element);
            var id = elements[0];
            inShipTo = lines.Count == 0 && po1 is null && ((id == "N1" && Element(elements, 1) == X12Codes.ShipTo && shipTo.Count == 0) || (inShipTo && id is "N2" or "N3" or "N4"));
            if (inShipTo)
            {
                shipTo.Add(elements);
            }

            switch (id)
            {
                case "BEG":
                    release = Element(elements, 4) is { Length: > 0 } r ? r : null;
                    break;
                case "PO1":
                    Close(lines, ref po1, ref description);
                    po1 = elements;
                    break;
                case "PID" when po1 is not null && description is null && Element(elements, 1) == "F":
                    description = elements;
                    break;
                case "CTT":
                    Close(lines, ref po1, ref description);
                    break;
            }
        }

        Close(lines, ref po1, ref description);
        return new OriginalPurchaseOrder(release, version, lines, shipTo);
    }

    private static void Close(List<OriginalLine> lines, ref string[]? po1, ref string[]? description)
    {
        if (po1 is null)
        {
            return;
        }

        // PO101 is optional in X12; the mapper then numbers the line by its ordinal, and so does this.
        var lineId = Element(po1, 1).Trim() is { Length: > 0 } sent ? sent : (lines.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lines.Add(new OriginalLine(lineId, po1, description));
        po1 = null;
        description = null;
    }

    private static string Element(string[] elements, int position) => position < elements.Length ? elements[position] : string.Empty;

    private static string? Text(JsonObject edi, string name) =>
        edi[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static char InferElementSeparator(string x12)
    {
        foreach (var c in x12)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return c;
            }
        }

        return '*';
    }
}
