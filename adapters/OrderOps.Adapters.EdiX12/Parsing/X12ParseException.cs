namespace OrderOps.Adapters.EdiX12.Parsing;

/// <summary>Why an X12 stream could not be read any further.</summary>
public enum X12ParseErrorCode
{
    /// <summary>The stream does not start with an ISA segment (after an optional byte order mark and white space).</summary>
    MissingInterchangeHeader,

    /// <summary>The ISA segment is shorter than its fixed 106 characters or its separators are not where ISA fixes them.</summary>
    InvalidInterchangeHeader,

    /// <summary>The separators ISA declares are not usable: not distinct, or a letter or digit.</summary>
    InvalidSeparators,

    /// <summary>The stream ended inside a segment: the last segment has no segment terminator.</summary>
    UnterminatedSegment,

    /// <summary>A segment is longer than <see cref="X12ReaderOptions.MaxSegmentLength"/>; usually a wrong terminator or garbage.</summary>
    SegmentTooLong,

    /// <summary>The stream ended before the interchange trailer IEA was read.</summary>
    UnexpectedEndOfStream,
}

/// <summary>
/// The one documented error of the X12 reader and interchange processor: the input cannot be read as X12 at
/// <see cref="ByteOffset"/> (the segment's start in the stream) / <see cref="SegmentPosition"/> (1-based count of
/// segments read, 0 before the first). Envelope and content errors are not exceptions: they become 997/TA1 rejects.
/// </summary>
public sealed class X12ParseException : Exception
{
    public X12ParseException(X12ParseErrorCode code, string message, long byteOffset, long segmentPosition)
        : base($"{message} (code {code}, byte offset {byteOffset}, segment {segmentPosition})")
    {
        Code = code;
        ByteOffset = byteOffset;
        SegmentPosition = segmentPosition;
    }

    public X12ParseException()
        : this(X12ParseErrorCode.MissingInterchangeHeader, "The input is not X12.", 0, 0)
    {
    }

    public X12ParseException(string message)
        : this(X12ParseErrorCode.MissingInterchangeHeader, message, 0, 0)
    {
    }

    public X12ParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public X12ParseErrorCode Code { get; }

    public long ByteOffset { get; }

    public long SegmentPosition { get; }
}
