using System.Globalization;
using System.Text;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Adapters.EdiX12.Writing;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class X12WriterTests
{
    [Fact]
    public void Computes_counts_and_control_numbers_and_pads_ISA()
    {
        var text = new StringBuilder();
        var writer = NewWriter(text);
        writer.BeginInterchange(Envelope(version: "00501"));
        writer.BeginGroup("PR", "ME", "YOU", Run.Now, 5, "005010");
        Assert.Equal("0001", writer.BeginTransactionSet("855"));
        writer.WriteSegment("BAK", "00", "AD", "PO-1", "20261123");
        writer.WriteSegment("REF", "ZZ", null, null); // trailing empties are dropped
        writer.EndTransactionSet();
        Assert.Equal("0002", writer.BeginTransactionSet("855"));
        writer.EndTransactionSet();
        writer.EndGroup();
        writer.EndInterchange();

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(106, lines[0].Length); // ISA is fixed width, terminator included
        Assert.Equal("ISA*00*          *00*          *ZZ*ME             *ZZ*YOU            *261123*0102*^*00501*000000042*0*P*>~", lines[0]);
        Assert.Equal(["ST*855*0001~", "BAK*00*AD*PO-1*20261123~", "REF*ZZ~", "SE*4*0001~", "ST*855*0002~", "SE*2*0002~", "GE*2*5~", "IEA*1*000000042~"], lines[2..]);
        var document = X12Document.Parse(text.ToString());
        Assert.True(document.EnvelopesAreValid);
    }

    [Fact]
    public void Refuses_data_that_contains_a_separator_or_line_break()
    {
        var writer = OpenSet(new StringBuilder());
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("N1", "ST", "A*B"));
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("N1", "ST", "A~B"));
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("N1", "ST", "A>B"));
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("NTE", "GEN", "two\nlines"));
    }

    [Fact]
    public void Refuses_envelope_segments_and_calls_out_of_order()
    {
        var writer = OpenSet(new StringBuilder());
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("SE", "2", "0001"));
        Assert.Throws<ArgumentException>(() => writer.WriteSegment("ok", "x"));
        Assert.Throws<InvalidOperationException>(writer.EndGroup);
        Assert.Throws<InvalidOperationException>(writer.EndInterchange);
        writer.EndTransactionSet();
        Assert.Throws<InvalidOperationException>(writer.EndTransactionSet);
        Assert.Throws<InvalidOperationException>(() => writer.WriteSegment("REF", "ZZ", "1"));
    }

    [Fact]
    public void Refuses_ISA_values_that_do_not_fit()
    {
        var writer = NewWriter(new StringBuilder());
        Assert.Throws<ArgumentException>(() => writer.BeginInterchange(Envelope() with { SenderId = "SIXTEEN-CHARS-ID" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.BeginInterchange(Envelope() with { ControlNumber = 0 }));
        writer.BeginInterchange(Envelope()); // a refused envelope leaves the writer usable
        Assert.Throws<ArgumentException>(() => new X12Writer(new StringWriter(), new X12Separators((byte)'*', (byte)'*', (byte)'~', null)));
    }

    private static X12Writer NewWriter(StringBuilder text) =>
        new(new StringWriter(text, CultureInfo.InvariantCulture), X12Separators.Default, lineBreakAfterSegment: true);

    private static X12Writer OpenSet(StringBuilder text)
    {
        var writer = NewWriter(text);
        writer.BeginInterchange(Envelope());
        writer.BeginGroup("PO", "ME", "YOU", Run.Now, 1, "004010");
        writer.BeginTransactionSet("850");
        return writer;
    }

    private static X12InterchangeEnvelope Envelope(string version = "00401") => new()
    {
        SenderQualifier = "ZZ",
        SenderId = "ME",
        ReceiverQualifier = "ZZ",
        ReceiverId = "YOU",
        CreatedAt = Run.Now,
        ControlNumber = 42,
        Version = version,
    };
}
