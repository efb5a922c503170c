namespace OrderOps.Adapters.EdiX12.Parsing;

/// <summary>
/// The four delimiters of one interchange, as its ISA declares them: element separator (ISA's 4th character),
/// repetition separator (ISA11 from version 00402 on; none before), component separator (ISA16) and segment
/// terminator (the character after ISA16). All are single bytes; X12's character sets are ASCII-based.
/// </summary>
public readonly record struct X12Separators(byte Element, byte Component, byte Segment, byte? Repetition)
{
    /// <summary>The common choice: <c>*</c>, <c>&gt;</c> (or <c>:</c>), <c>~</c>, and <c>^</c> for repetitions.</summary>
    public static X12Separators Default { get; } = new((byte)'*', (byte)'>', (byte)'~', (byte)'^');

    /// <summary>True when the separators can delimit data: distinct from each other, none a letter or digit.</summary>
    public bool AreUsable()
    {
        Span<byte> all = [Element, Component, Segment, Repetition ?? Element];
        for (var i = 0; i < all.Length; i++)
        {
            if (char.IsAsciiLetterOrDigit((char)all[i]) || all[i] == (byte)' ')
            {
                return false;
            }
        }

        return Element != Component && Element != Segment && Component != Segment
            && (Repetition is not { } r || (r != Element && r != Component && r != Segment));
    }

    /// <summary>True when <paramref name="value"/> contains none of the separators, so it can be written as one element.</summary>
    public bool AllowsInElement(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c == Element || c == Segment || c == Component || (Repetition is { } r && c == r) || c == '\r' || c == '\n')
            {
                return false;
            }
        }

        return true;
    }
}
