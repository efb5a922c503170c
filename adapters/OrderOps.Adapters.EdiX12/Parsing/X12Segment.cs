using System.Buffers.Text;
using System.Text;

namespace OrderOps.Adapters.EdiX12.Parsing;

/// <summary>
/// One segment as the reader sees it: a view over the reader's buffer, valid until the next read.
/// Element positions are 1-based as in X12 (BEG03 is <c>GetSpan(3)</c>); position 0 is the segment id.
/// Accessors return empty / null for elements a segment does not have, because X12 omits trailing empty elements.
/// </summary>
public sealed class X12Segment
{
    private byte[] _buffer = [];
    private int _start;
    private int _length;
    private int[] _elementStarts = new int[32];
    private int _elementCount;

    /// <summary>Number of data elements after the segment id (BEG*00*SA has 2).</summary>
    public int ElementCount => _elementCount - 1;

    /// <summary>1-based ordinal of this segment in the stream.</summary>
    public long Position { get; private set; }

    /// <summary>Byte offset of this segment's first byte in the stream.</summary>
    public long ByteOffset { get; private set; }

    public X12Separators Separators { get; private set; }

    public ReadOnlySpan<byte> Id => GetSpan(0);

    /// <summary>The segment's raw bytes without terminator.</summary>
    public ReadOnlySpan<byte> Raw => _buffer.AsSpan(_start, _length);

    /// <summary>True when the segment id is <paramref name="id"/>, e.g. <c>Is("PO1"u8)</c>; no allocation.</summary>
    public bool Is(ReadOnlySpan<byte> id) => Id.SequenceEqual(id);

    public ReadOnlySpan<byte> GetSpan(int position)
    {
        if ((uint)position >= (uint)_elementCount)
        {
            return [];
        }

        var from = _elementStarts[position];
        var to = position + 1 < _elementCount ? _elementStarts[position + 1] - 1 : _start + _length;
        return _buffer.AsSpan(from, to - from);
    }

    /// <summary>The element as text, or null when absent or empty. X12 is ASCII-based; UTF-8 covers extended sets.</summary>
    public string? GetString(int position)
    {
        var span = GetSpan(position);
        return span.IsEmpty ? null : Encoding.UTF8.GetString(span);
    }

    /// <summary>The element with surrounding spaces removed (ISA fields are space-padded), or null when blank.</summary>
    public string? GetTrimmed(int position)
    {
        var span = GetSpan(position).Trim((byte)' ');
        return span.IsEmpty ? null : Encoding.UTF8.GetString(span);
    }

    public bool IsEmpty(int position) => GetSpan(position).IsEmpty;

    public bool ElementEquals(int position, ReadOnlySpan<byte> value) => GetSpan(position).SequenceEqual(value);

    /// <summary>Compares with an ASCII string (a control number read earlier) without encoding it.</summary>
    public bool ElementEquals(int position, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = GetSpan(position);
        if (span.Length != value.Length)
        {
            return false;
        }

        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] != value[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Component <paramref name="component"/> (1-based) of a composite element, empty when absent.</summary>
    public ReadOnlySpan<byte> GetComponent(int position, int component)
    {
        var span = GetSpan(position);
        for (var i = 1; i < component; i++)
        {
            var next = span.IndexOf(Separators.Component);
            if (next < 0)
            {
                return [];
            }

            span = span[(next + 1)..];
        }

        var end = span.IndexOf(Separators.Component);
        return end < 0 ? span : span[..end];
    }

    /// <summary>Parses an X12 numeric (N0) or decimal (R) element: optional sign, digits, optional point; no exponent.</summary>
    public bool TryGetDecimal(int position, out decimal value)
    {
        var span = GetSpan(position);
        value = 0;
        return LooksNumeric(span) && Utf8Parser.TryParse(span, out value, out var consumed, 'F') && consumed == span.Length;
    }

    public bool TryGetInt64(int position, out long value)
    {
        var span = GetSpan(position);
        value = 0;
        return LooksNumeric(span) && span.IndexOf((byte)'.') < 0 && Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length;
    }

    public override string ToString() => Encoding.UTF8.GetString(Raw);

    /// <summary>Points this view at a new segment; <paramref name="elementStarts"/> includes the id at index 0.</summary>
    internal void Reset(byte[] buffer, int start, int length, long position, long byteOffset, X12Separators separators)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
        Position = position;
        ByteOffset = byteOffset;
        Separators = separators;
        _elementCount = 0;
        var span = buffer.AsSpan(start, length);
        var offset = 0;
        AddElementStart(start);
        while (true)
        {
            var next = span[offset..].IndexOf(separators.Element);
            if (next < 0)
            {
                break;
            }

            offset += next + 1;
            AddElementStart(start + offset);
        }
    }

    private void AddElementStart(int index)
    {
        if (_elementCount == _elementStarts.Length)
        {
            Array.Resize(ref _elementStarts, _elementStarts.Length * 2);
        }

        _elementStarts[_elementCount++] = index;
    }

    private static bool LooksNumeric(ReadOnlySpan<byte> span)
    {
        if (span.IsEmpty || span.Length > 28)
        {
            return false;
        }

        var digits = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
            }
            else if (!(b == (byte)'.' || (b == (byte)'-' && i == 0)))
            {
                return false;
            }
        }

        return digits > 0;
    }
}
