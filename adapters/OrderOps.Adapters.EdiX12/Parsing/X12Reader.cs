using System.Buffers;

namespace OrderOps.Adapters.EdiX12.Parsing;

/// <summary>
/// Pull-based X12 reader over a stream: yields one segment at a time from a fixed buffer, so memory does not depend
/// on the size of the file. Separators are taken from each ISA (a file may hold several interchanges, each with its
/// own). Line breaks after segment terminators are skipped. The reader does lexing only; envelope rules are checked
/// by <see cref="Envelopes.EnvelopeValidator"/>.
/// </summary>
/// <exception cref="X12ParseException">From <see cref="ReadAsync"/>/<see cref="Read"/> when the input cannot be lexed.</exception>
public sealed class X12Reader : IDisposable
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly X12ReaderOptions _options;
    private readonly X12Segment _current = new();
    private byte[] _buffer;
    private int _position;
    private int _end;
    private long _bufferStartOffset;
    private long _segmentCount;
    private bool _endOfStream;
    private bool _expectInterchangeHeader = true;
    private bool _disposed;

    public X12Reader(Stream stream, X12ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? new X12ReaderOptions();
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_options.BufferSize, InterchangeHeaderLayout.Length * 2));
    }

    /// <summary>The segment last read; its content is valid until the next read.</summary>
    public X12Segment Current => _current;

    /// <summary>Separators of the interchange being read; default until the first ISA.</summary>
    public X12Separators Separators { get; private set; }

    /// <summary>Bytes consumed from the stream so far (through the current segment's terminator).</summary>
    public long BytesConsumed => _bufferStartOffset + _position;

    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        // Most segments are already buffered: answer without an async state machine.
        var step = TryReadSegment();
        return step == Step.NeedMoreData ? ReadWithFillAsync(cancellationToken) : new ValueTask<bool>(step == Step.Segment);
    }

    private async ValueTask<bool> ReadWithFillAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = PrepareFill();
            var read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            CompleteFill(read);
            var step = TryReadSegment();
            if (step != Step.NeedMoreData)
            {
                return step == Step.Segment;
            }
        }
    }

    public bool Read()
    {
        while (true)
        {
            var step = TryReadSegment();
            if (step != Step.NeedMoreData)
            {
                return step == Step.Segment;
            }

            var buffer = PrepareFill();
            CompleteFill(_stream.Read(buffer.Span));
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private enum Step
    {
        Segment,
        EndOfStream,
        NeedMoreData,
    }

    private Step TryReadSegment()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SkipBetweenSegments();
        if (_position == _end)
        {
            if (!_endOfStream)
            {
                return Step.NeedMoreData;
            }

            if (_segmentCount == 0)
            {
                throw new X12ParseException(X12ParseErrorCode.MissingInterchangeHeader, "The stream holds no X12 interchange.", BytesConsumed, 0);
            }

            return Step.EndOfStream;
        }

        var available = _buffer.AsSpan(_position, _end - _position);
        if (StartsInterchangeHeader(available, out var needMore))
        {
            return ReadInterchangeHeader(available);
        }

        if (needMore)
        {
            return Step.NeedMoreData;
        }

        if (_expectInterchangeHeader)
        {
            throw new X12ParseException(X12ParseErrorCode.MissingInterchangeHeader, "Expected an ISA interchange header.", BytesConsumed, _segmentCount);
        }

        var terminatorIndex = available.IndexOf(Separators.Segment);
        if (terminatorIndex < 0)
        {
            if (available.Length > _options.MaxSegmentLength)
            {
                throw new X12ParseException(X12ParseErrorCode.SegmentTooLong, $"No segment terminator within {_options.MaxSegmentLength} bytes.", BytesConsumed, _segmentCount + 1);
            }

            if (!_endOfStream)
            {
                return Step.NeedMoreData;
            }

            throw new X12ParseException(X12ParseErrorCode.UnterminatedSegment, "The stream ends inside a segment.", BytesConsumed, _segmentCount + 1);
        }

        EmitSegment(terminatorIndex, terminatorIndex + 1);
        if (_current.Is("IEA"u8))
        {
            _expectInterchangeHeader = true;
        }

        return Step.Segment;
    }

    /// <summary>Line breaks may follow any terminator; before an ISA, white space and a UTF-8 byte order mark too.</summary>
    private void SkipBetweenSegments()
    {
        while (_position < _end)
        {
            var b = _buffer[_position];
            if ((b == (byte)'\r' || b == (byte)'\n') && b != Separators.Segment)
            {
                _position++;
            }
            else if (_expectInterchangeHeader && (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n'))
            {
                _position++;
            }
            else if (_expectInterchangeHeader && b == ByteOrderMark[0] && _end - _position >= 3 && _buffer.AsSpan(_position, 3).SequenceEqual(ByteOrderMark))
            {
                _position += 3;
            }
            else
            {
                return;
            }
        }
    }

    private bool StartsInterchangeHeader(ReadOnlySpan<byte> available, out bool needMore)
    {
        needMore = false;
        if (available.Length < 4)
        {
            // "ISA" plus its separator must be seen before deciding, unless the stream is over.
            needMore = !_endOfStream && "ISA*"u8[..available.Length].SequenceEqual(available[..Math.Min(available.Length, 3)]);
            return false;
        }

        return available[0] == (byte)'I' && available[1] == (byte)'S' && available[2] == (byte)'A' && !char.IsAsciiLetterOrDigit((char)available[3]);
    }

    private Step ReadInterchangeHeader(ReadOnlySpan<byte> available)
    {
        if (available.Length < InterchangeHeaderLayout.Length)
        {
            if (!_endOfStream)
            {
                return Step.NeedMoreData;
            }

            throw new X12ParseException(X12ParseErrorCode.InvalidInterchangeHeader, "The stream ends inside the 106-character ISA segment.", BytesConsumed, _segmentCount + 1);
        }

        var separators = InterchangeHeaderLayout.TryReadSeparators(available)
            ?? throw new X12ParseException(X12ParseErrorCode.InvalidInterchangeHeader, "The ISA segment does not have its fixed-width layout.", BytesConsumed, _segmentCount + 1);
        if (!separators.AreUsable())
        {
            throw new X12ParseException(X12ParseErrorCode.InvalidSeparators, "The ISA separators are not distinct non-alphanumeric characters.", BytesConsumed, _segmentCount + 1);
        }

        Separators = separators;
        _expectInterchangeHeader = false;
        EmitSegment(InterchangeHeaderLayout.SegmentTerminatorIndex, InterchangeHeaderLayout.Length);
        return Step.Segment;
    }

    private void EmitSegment(int length, int consumed)
    {
        _segmentCount++;
        _current.Reset(_buffer, _position, length, _segmentCount, BytesConsumed, Separators);
        _position += consumed;
    }

    /// <summary>Moves unread bytes to the front and grows the buffer only when one segment does not fit.</summary>
    private Memory<byte> PrepareFill()
    {
        if (_position > 0)
        {
            var unread = _end - _position;
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, unread);
            _bufferStartOffset += _position;
            _position = 0;
            _end = unread;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(_end);
    }

    private void CompleteFill(int read)
    {
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }
}
