using System.Text;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Tests.Support;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class X12ReaderTests
{
    [Theory]
    [InlineData("x12_nodex12_850.edi", (byte)'~')]
    [InlineData("x12_nodex12_850_2.edi", (byte)'\n')]
    [InlineData("x12_nodex12_850_3.edi", (byte)'\n')]
    public void Takes_the_separators_from_ISA_with_or_without_line_breaks(string fixture, byte terminator)
    {
        var segments = ReadAll(Fixture.Bytes(fixture), out var separators);

        Assert.Equal((byte)'*', separators.Element);
        Assert.Equal((byte)'>', separators.Component);
        Assert.Equal(terminator, separators.Segment);
        Assert.Null(separators.Repetition); // 00400/00401: ISA11 is the standards id "U", not a separator
        Assert.Equal("ISA", segments[0][0]);
        Assert.Equal("IEA", segments[^1][0]);
        Assert.DoesNotContain(segments, s => s[0].Contains('\n', StringComparison.Ordinal) || s[0].Contains('\r', StringComparison.Ordinal));
    }

    [Fact]
    public void The_node_x12_850_has_37_segments_and_its_PO1_elements_are_addressable()
    {
        var segments = ReadAll(Fixture.Bytes("x12_nodex12_850.edi"), out _);

        Assert.Equal(37, segments.Count);
        var po1 = segments.First(s => s[0] == "PO1");
        Assert.Equal(["PO1", "1", "120", "EA", "9.25", "TE", "CB", "065322-117", "PR", "RO", "VN", "AB3542"], po1);
    }

    [Fact]
    public void Reads_each_interchange_of_a_file_with_its_own_separators()
    {
        var first = Fixture.Text("x12_nodex12_850.edi");
        var second = Fixture.Text("x12_nodex12_850_3.edi").Replace('*', '|').Replace('>', ':').Replace('\n', '\'');
        var segments = ReadAll(Encoding.ASCII.GetBytes(first + "\r\n" + second), out var last);

        Assert.Equal(37 + 18, segments.Count);
        Assert.Equal((byte)'|', last.Element);
        Assert.Equal((byte)'\'', last.Segment);
        Assert.Contains(segments, s => s is ["BEG", "00", "NE", "----------", "", "20160426"]);
    }

    [Fact]
    public void Repetition_separator_is_ISA11_from_version_00402_on()
    {
        var text = Fixture.Text("x12_nodex12_850.edi").ReplaceOnce("*U*00400*", "*^*00501*");
        var segments = ReadAll(Encoding.ASCII.GetBytes(text), out var separators);

        Assert.Equal((byte)'^', separators.Repetition);
        Assert.Equal("^", segments[0][11]);
    }

    [Fact]
    public void Small_buffers_and_crlf_give_the_same_segments_as_one_read()
    {
        var text = Fixture.Text("x12_nodex12_850_fat.edi").Replace("\n", "\r\n", StringComparison.Ordinal);
        var expected = ReadAll(Encoding.ASCII.GetBytes(text), out _);
        var trickled = ReadAll(new TrickleStream(Encoding.ASCII.GetBytes(text), 7), out _, new X12ReaderOptions { BufferSize = 16 });

        Assert.Equal(expected, trickled);
        Assert.Equal(74, trickled.Count);
    }

    [Fact]
    public async Task Reads_asynchronously_with_a_byte_order_mark_and_leading_white_space()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF, (byte)'\n', (byte)' ' }.Concat(Fixture.Bytes("x12_nodex12_850.edi")).ToArray();
        using var reader = new X12Reader(new MemoryStream(bytes));
        var count = 0;
        while (await reader.ReadAsync(CancellationToken.None))
        {
            count++;
        }

        Assert.Equal(37, count);
        Assert.Equal(bytes.Length, reader.BytesConsumed);
    }

    [Theory]
    [InlineData("", X12ParseErrorCode.MissingInterchangeHeader)]
    [InlineData("   \r\n", X12ParseErrorCode.MissingInterchangeHeader)]
    [InlineData("GS*PO*1*2*20200101*1200*1*X*004010~", X12ParseErrorCode.MissingInterchangeHeader)]
    [InlineData("%PDF-1.4 not edi at all", X12ParseErrorCode.MissingInterchangeHeader)]
    [InlineData("ISA*00*          *00*", X12ParseErrorCode.InvalidInterchangeHeader)]
    public void Garbage_raises_the_documented_parse_error(string input, X12ParseErrorCode code)
    {
        var error = Assert.Throws<X12ParseException>(() => ReadAll(Encoding.ASCII.GetBytes(input), out _));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void An_ISA_that_is_not_fixed_width_is_refused()
    {
        var text = Fixture.Text("x12_nodex12_850.edi").ReplaceOnce("*ABCCO     *", "*ABCCO*");
        var error = Assert.Throws<X12ParseException>(() => ReadAll(Encoding.ASCII.GetBytes(text), out _));
        Assert.Equal(X12ParseErrorCode.InvalidInterchangeHeader, error.Code);
        Assert.Equal(0, error.ByteOffset);
    }

    [Fact]
    public void Separators_that_collide_are_refused()
    {
        // The component separator (ISA16) made equal to the segment terminator.
        var text = Fixture.Text("x12_nodex12_850.edi").ReplaceOnce("*P*>~", "*P*~~");
        var error = Assert.Throws<X12ParseException>(() => ReadAll(Encoding.ASCII.GetBytes(text), out _));
        Assert.Equal(X12ParseErrorCode.InvalidSeparators, error.Code);
    }

    [Fact]
    public void A_file_cut_inside_a_segment_reports_where()
    {
        var text = Fixture.Text("x12_nodex12_850.edi");
        var cut = text[..text.IndexOf("PID*F****MEDIUM", StringComparison.Ordinal)] + "PID*F**";
        var segmentsBefore = 0;
        var error = Assert.Throws<X12ParseException>(() =>
        {
            using var reader = new X12Reader(new MemoryStream(Encoding.ASCII.GetBytes(cut)));
            while (reader.Read())
            {
                segmentsBefore++;
            }
        });

        Assert.Equal(X12ParseErrorCode.UnterminatedSegment, error.Code);
        Assert.Equal(segmentsBefore + 1, error.SegmentPosition);
        Assert.Equal(cut.Length - "PID*F**".Length, error.ByteOffset);
    }

    [Fact]
    public void A_segment_without_terminator_does_not_grow_the_buffer_without_bound()
    {
        var isa = Fixture.Text("x12_nodex12_850.edi")[..106];
        var bytes = Encoding.ASCII.GetBytes(isa + "GS*" + new string('A', 100_000));
        var error = Assert.Throws<X12ParseException>(() => ReadAll(bytes, out _, new X12ReaderOptions { MaxSegmentLength = 10_000 }));
        Assert.Equal(X12ParseErrorCode.SegmentTooLong, error.Code);
    }

    [Fact]
    public void Text_after_the_last_IEA_that_is_not_an_ISA_is_refused()
    {
        var bytes = Encoding.ASCII.GetBytes(Fixture.Text("x12_nodex12_850.edi") + "\nthis is not X12~");
        var error = Assert.Throws<X12ParseException>(() => ReadAll(bytes, out _));
        Assert.Equal(X12ParseErrorCode.MissingInterchangeHeader, error.Code);
    }

    [Fact]
    public void Numeric_and_component_accessors_follow_X12_types()
    {
        var text = Fixture.Text("x12_nodex12_850.edi")[..106] + "XX1*12*-3.50*1.2.3*1E5*A>B>C~";
        using var reader = new X12Reader(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        reader.Read();
        reader.Read();
        var segment = reader.Current;

        Assert.True(segment.TryGetInt64(1, out var whole) && whole == 12);
        Assert.True(segment.TryGetDecimal(2, out var amount) && amount == -3.50m);
        Assert.False(segment.TryGetDecimal(3, out _));
        Assert.False(segment.TryGetDecimal(4, out _)); // X12 R has no exponent
        Assert.False(segment.TryGetInt64(2, out _));
        Assert.Equal("B", Encoding.ASCII.GetString(segment.GetComponent(5, 2)));
        Assert.True(segment.GetComponent(5, 4).IsEmpty);
        Assert.Null(segment.GetString(9));
    }

    internal static List<string[]> ReadAll(byte[] bytes, out X12Separators separators, X12ReaderOptions? options = null) =>
        ReadAll(new MemoryStream(bytes), out separators, options);

    private static List<string[]> ReadAll(Stream stream, out X12Separators separators, X12ReaderOptions? options = null)
    {
        using var reader = new X12Reader(stream, options);
        var segments = new List<string[]>();
        while (reader.Read())
        {
            var segment = reader.Current;
            segments.Add(Enumerable.Range(0, segment.ElementCount + 1).Select(i => segment.GetString(i) ?? string.Empty).ToArray());
        }

        separators = reader.Separators;
        return segments;
    }

    /// <summary>Returns at most a few bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] content, int chunk) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
