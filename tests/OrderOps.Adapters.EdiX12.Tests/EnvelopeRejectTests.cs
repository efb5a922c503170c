using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Adapters.EdiX12.Tests.Support;

namespace OrderOps.Adapters.EdiX12.Tests;

/// <summary>Broken variants of the published node-x12 850 and the 997/TA1 each one must produce.</summary>
public sealed class EnvelopeRejectTests
{
    private static readonly string Valid = Fixture.Text("x12_nodex12_850.edi");

    [Fact]
    public void The_published_850_is_accepted()
    {
        var result = Run.Single(Valid);
        var ack = Run.Acknowledgment(result);

        Assert.Equal(EdiInterchangeStatus.Processed, result.Status);
        Assert.Equal(1, result.OrderCount);
        Assert.Empty(result.SetsWithErrors);
        Assert.Equal("AK5*A", ack.Single("AK5"));
        Assert.Equal("AK9*A*1*1*1", ack.Single("AK9"));
        Assert.Empty(ack.All("TA1"));
    }

    [Fact]
    public void Wrong_SE01_segment_count_rejects_the_set_with_AK5_code_4()
    {
        var result = Run.Single(Valid.ReplaceOnce("SE*33*000000010", "SE*32*000000010"));
        var ack = Run.Acknowledgment(result);

        Assert.Equal(0, result.OrderCount);
        Assert.Equal("AK5*R*4", ack.Single("AK5"));
        Assert.Equal("AK9*R*1*1*0", ack.Single("AK9"));
    }

    [Fact]
    public void SE02_not_matching_ST02_rejects_the_set_with_AK5_code_3()
    {
        var ack = Run.Acknowledgment(Run.Single(Valid.ReplaceOnce("SE*33*000000010", "SE*33*000000011")));
        Assert.Equal("AK2*850*000000010", ack.Single("AK2"));
        Assert.Equal("AK5*R*3", ack.Single("AK5"));
    }

    [Fact]
    public void Wrong_GE01_count_and_GE02_control_number_are_noted_in_AK9()
    {
        var result = Run.Single(Valid.ReplaceOnce("GE*1*1421", "GE*2*1422"));
        var ack = Run.Acknowledgment(result);

        // The set was complete and valid when its SE was read, so it stays accepted; the group trailer errors are noted.
        Assert.Equal(1, result.OrderCount);
        Assert.Equal("AK5*A", ack.Single("AK5"));
        Assert.Equal("AK9*E*2*1*1*5*4", ack.Single("AK9"));
    }

    [Fact]
    public void Wrong_IEA_values_are_reported_in_a_TA1()
    {
        var result = Run.Single(Valid.ReplaceOnce("IEA*1*000003438", "IEA*2*000003439"));
        var ack = Run.Acknowledgment(result);

        Assert.Equal([InterchangeNoteCode.InvalidGroupCount, InterchangeNoteCode.ControlNumberMismatch], result.Notes);
        Assert.Equal(["TA1*000003438*101127*1719*E*021", "TA1*000003438*101127*1719*E*001"], ack.All("TA1"));
        Assert.True(ack.EnvelopesAreValid);
    }

    [Fact]
    public void A_file_truncated_after_some_lines_rejects_the_open_set_and_group()
    {
        var truncated = Valid[..(Valid.IndexOf("PO1*4", StringComparison.Ordinal))];
        var result = Run.Single(truncated);
        var ack = Run.Acknowledgment(result);

        Assert.Equal(0, result.OrderCount);
        Assert.Equal("AK5*R*2", ack.Single("AK5"));
        Assert.Equal("AK9*R*1*1*0*3", ack.Single("AK9"));
        Assert.Equal("TA1*000003438*101127*1719*E*023", ack.Single("TA1"));
        Assert.True(ack.EnvelopesAreValid);
    }

    [Fact]
    public void A_file_cut_mid_segment_is_closed_as_truncated_and_the_parse_error_reported()
    {
        var cut = Valid[..(Valid.IndexOf("PID*F****NANO", StringComparison.Ordinal) + 8)];
        var processed = Run.Process(cut);
        var ack = Run.Acknowledgment(Assert.Single(processed.Interchanges));

        Assert.Equal(Parsing.X12ParseErrorCode.UnterminatedSegment, processed.ParseError?.Code);
        Assert.Equal("AK5*R*2", ack.Single("AK5"));
        Assert.Empty(processed.Orders);
    }

    [Fact]
    public void A_malformed_segment_id_gets_AK3_code_1_and_rejects_the_set()
    {
        var ack = Run.Acknowledgment(Run.Single(Valid.ReplaceOnce("REF*PS*R~", "r3f*PS*R~")));

        Assert.Equal("AK3*r3f*4**1", ack.Single("AK3")); // ST is 1, BEG 2, REF*DP 3
        Assert.Equal("AK5*R*5", ack.Single("AK5"));
    }

    [Fact]
    public void A_repeated_ST02_in_one_group_rejects_the_second_set_with_code_23()
    {
        var set = Valid[Valid.IndexOf("ST*850", StringComparison.Ordinal)..Valid.IndexOf("GE*", StringComparison.Ordinal)];
        var twoSets = Valid.ReplaceOnce(set, set + set).ReplaceOnce("GE*1*1421", "GE*2*1421");
        var result = Run.Single(twoSets);
        var ack = Run.Acknowledgment(result);

        Assert.Equal(["AK5*A", "AK5*R*23"], ack.All("AK5"));
        Assert.Equal("AK9*P*2*2*1", ack.Single("AK9"));
        Assert.Equal(1, result.OrderCount);
    }

    [Fact]
    public void Odd_separators_are_read_and_echoed_in_the_acknowledgment()
    {
        var odd = Valid.Replace('*', '|').Replace('>', '^').Replace("~\n", "\u0007", StringComparison.Ordinal).Replace("~", "\u0007", StringComparison.Ordinal);
        var result = Run.Single(odd);

        Assert.Equal(1, result.OrderCount);
        Assert.Contains("AK9|A|1|1|1\u0007", result.Acknowledgment, StringComparison.Ordinal);
    }

    [Fact]
    public void A_GS_control_number_that_is_not_numeric_is_noted_with_code_6()
    {
        var ack = Run.Acknowledgment(Run.Single(Valid.ReplaceOnce("*1719*1421*X*", "*1719*14X1*X*").ReplaceOnce("GE*1*1421", "GE*1*14X1")));
        Assert.Equal("AK9*E*1*1*1*6", ack.Single("AK9"));
    }

    [Fact]
    public void Segments_outside_any_set_are_noted_as_invalid_interchange_content()
    {
        var result = Run.Single(Valid.ReplaceOnce("GE*1*1421~", "REF*ZZ*stray~\nGE*1*1421~"));
        Assert.Equal([InterchangeNoteCode.InvalidInterchangeContent], result.Notes);
        Assert.Equal(1, result.OrderCount);
    }
}
