namespace OrderOps.Adapters.EdiX12.Parsing;

public sealed record X12ReaderOptions
{
    /// <summary>Initial buffer size. The buffer only grows to hold one segment, never the file.</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Longest segment accepted. Real segments are well under 1 KB; a longer run without a terminator means a wrong
    /// terminator or garbage, and is refused instead of buffered so memory stays bounded whatever the input.
    /// </summary>
    public int MaxSegmentLength { get; init; } = 256 * 1024;
}
