namespace OrderOps.Adapters.EdiX12.Parsing;

/// <summary>
/// The fixed-width layout of ISA: 16 elements of fixed length, so the separators can be found before they are known.
/// ISA is always 106 characters: "ISA", the element separator at index 3, ..., ISA16 at 104, the terminator at 105.
/// </summary>
internal static class InterchangeHeaderLayout
{
    public const int Length = 106;

    public const int ComponentSeparatorIndex = 104;

    public const int SegmentTerminatorIndex = 105;

    public const int RepetitionSeparatorIndex = 82;

    /// <summary>Where each ISA element separator must be (ISA01 is 2 wide, ISA02 10, ... ISA16 1).</summary>
    public static ReadOnlySpan<int> ElementSeparatorIndexes => [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];

    /// <summary>Reads the separators from a complete 106-byte ISA; null when the layout does not hold.</summary>
    public static X12Separators? TryReadSeparators(ReadOnlySpan<byte> isa)
    {
        if (isa.Length < Length || isa[0] != (byte)'I' || isa[1] != (byte)'S' || isa[2] != (byte)'A')
        {
            return null;
        }

        var element = isa[3];
        foreach (var index in ElementSeparatorIndexes)
        {
            if (isa[index] != element)
            {
                return null;
            }
        }

        // ISA11 is the repetition separator from version 00402 on; before, it is the standards id ("U").
        byte? repetition = null;
        var version = isa.Slice(84, 5);
        if (System.Buffers.Text.Utf8Parser.TryParse(version, out int versionNumber, out var consumed) && consumed == 5
            && versionNumber >= 402 && !char.IsAsciiLetterOrDigit((char)isa[RepetitionSeparatorIndex]))
        {
            repetition = isa[RepetitionSeparatorIndex];
        }

        return new X12Separators(element, isa[ComponentSeparatorIndex], isa[SegmentTerminatorIndex], repetition);
    }
}
