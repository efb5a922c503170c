using Microsoft.Extensions.Configuration;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class InterchangeProcessorTests
{
    private static readonly string Valid = Fixture.Text("x12_nodex12_850.edi");

    [Fact]
    public void The_997_envelope_is_derived_from_the_inbound_interchange()
    {
        var ack = Run.Acknowledgment(Run.Single(Valid));

        var isa = ack.Segments[0];
        Assert.Equal(["ISA", "00", "          ", "00", "          ", "01", "999999999      ", "12", "4405197800     ", "261123", "0102", "U", "00400", "000003438", "0", "P", ">"], isa);
        Assert.Equal("GS*FA*999999999*4405197800*20261123*0102*1*X*004010VICS", ack.Single("GS"));
        Assert.Equal("ST*997*0001", ack.Single("ST"));
        Assert.Equal("AK1*PO*1421", ack.Single("AK1"));
        Assert.Equal("AK2*850*000000010", ack.Single("AK2"));
        Assert.Equal("SE*6*0001", ack.Single("SE"));
        Assert.Equal("IEA*1*000003438", ack.Single("IEA"));
        Assert.True(ack.EnvelopesAreValid);
    }

    [Fact]
    public void An_unknown_sender_is_rejected_without_orders_or_acknowledgment()
    {
        var result = Run.Single(Valid, Fixture.PetcoOptions());

        Assert.Equal(EdiInterchangeStatus.UnknownSender, result.Status);
        Assert.Null(result.PartnerId);
        Assert.Null(result.Acknowledgment);
        Assert.Equal(0, result.OrderCount);
        Assert.Equal("000003438", result.ControlNumber);
    }

    [Fact]
    public void A_partner_whose_GS02_differs_from_the_configured_one_is_unknown()
    {
        var options = Fixture.XyzOptions();
        options.Partners[Fixture.XyzPartner].ApplicationSenderId = "SOMEONE-ELSE";
        Assert.Equal(EdiInterchangeStatus.UnknownSender, Run.Single(Valid, options).Status);

        options.Partners[Fixture.XyzPartner].ApplicationSenderId = "4405197800";
        Assert.Equal(EdiInterchangeStatus.Processed, Run.Single(Valid, options).Status);
    }

    [Fact]
    public void Partners_sharing_one_ISA_id_are_told_apart_by_GS02()
    {
        var options = Fixture.XyzOptions();
        options.Partners[Fixture.XyzPartner].ApplicationSenderId = "OTHER-DIVISION";
        options.Partners["xyz-retail-east"] = new EdiPartnerOptions { InterchangeSenderQualifier = "12", InterchangeSenderId = "4405197800", ApplicationSenderId = "4405197800" };

        var result = Run.Process(Valid, options);

        Assert.Equal("xyz-retail-east", Assert.Single(result.Interchanges).PartnerId);
        Assert.Equal("edi:xyz-retail-east:08292233294", Assert.Single(result.Orders).OrderId);
    }

    [Fact]
    public void A_known_partner_sending_to_another_receiver_gets_TA1_note_009()
    {
        var options = Fixture.XyzOptions();
        options.InterchangeReceiverId = "SOMEBODY";
        var result = Run.Single(Valid, options);

        Assert.Equal(EdiInterchangeStatus.NotAddressedToUs, result.Status);
        Assert.Equal("TA1*000003438*101127*1719*R*009", Run.Acknowledgment(result).Single("TA1"));
        Assert.Equal(0, result.OrderCount);
    }

    [Fact]
    public void An_ISA13_that_is_not_nine_digits_is_rejected_with_TA1_note_018()
    {
        var result = Run.Single(Valid.ReplaceOnce("*000003438*0*P*", "*00000343X*0*P*").ReplaceOnce("IEA*1*000003438", "IEA*1*00000343X"));
        Assert.Equal(EdiInterchangeStatus.InvalidControlNumber, result.Status);
        Assert.Equal("TA1*00000343X*101127*1719*R*018", Run.Acknowledgment(result).Single("TA1"));
    }

    [Fact]
    public async Task A_repeated_interchange_control_number_is_a_duplicate_not_a_second_order()
    {
        var time = new FixedTime(Run.Now);
        var store = new InMemoryIdempotencyStore(time);
        var processor = new EdiInterchangeProcessor(Fixture.XyzOptions(), store, time: time);

        var first = await processor.ProcessAsync(Fixture.Ascii(Valid), CancellationToken.None);
        var again = await processor.ProcessAsync(Fixture.Ascii(Valid), CancellationToken.None);

        Assert.Single(first.Orders);
        Assert.Equal(Run.Now.AddDays(365), store.Keys["edi:interchange:12:4405197800:000003438"]);
        var duplicate = Assert.Single(again.Interchanges);
        Assert.Equal(EdiInterchangeStatus.Duplicate, duplicate.Status);
        Assert.Empty(again.Orders);
        Assert.Equal("TA1*000003438*101127*1719*R*025", Run.Acknowledgment(duplicate).Single("TA1"));
    }

    [Fact]
    public async Task A_truncated_interchange_is_not_remembered_so_its_complete_resend_is_ingested()
    {
        var time = new FixedTime(Run.Now);
        var store = new InMemoryIdempotencyStore(time);
        var processor = new EdiInterchangeProcessor(Fixture.XyzOptions(), store, time: time);

        await processor.ProcessAsync(Fixture.Ascii(Valid[..Valid.IndexOf("GE*", StringComparison.Ordinal)]), CancellationToken.None);
        var resend = await processor.ProcessAsync(Fixture.Ascii(Valid), CancellationToken.None);

        Assert.Equal(EdiInterchangeStatus.Processed, Assert.Single(resend.Interchanges).Status);
        Assert.Single(resend.Orders);
    }

    [Fact]
    public void The_published_fat_file_repeats_its_interchange_so_the_second_copy_is_a_duplicate()
    {
        var result = Run.Process(Fixture.Text("x12_nodex12_850_fat.edi"));

        Assert.Equal([EdiInterchangeStatus.Processed, EdiInterchangeStatus.Duplicate], result.Interchanges.Select(i => i.Status));
        Assert.Single(result.Orders);
    }

    [Fact]
    public void Several_groups_and_sets_in_one_interchange_are_each_acknowledged()
    {
        var isa = Valid[..Valid.IndexOf("GS*", StringComparison.Ordinal)];
        var group = Valid[Valid.IndexOf("GS*", StringComparison.Ordinal)..Valid.IndexOf("IEA*", StringComparison.Ordinal)];
        var secondGroup = group.Replace("1421", "1422", StringComparison.Ordinal).Replace("08292233294", "08292233295", StringComparison.Ordinal);
        var result = Run.Single(isa + group + secondGroup + "IEA*2*000003438~\n");
        var ack = Run.Acknowledgment(result);

        Assert.Equal(2, result.OrderCount);
        Assert.Equal(["AK1*PO*1421", "AK1*PO*1422"], ack.All("AK1"));
        Assert.Equal(["GE*1*1", "GE*1*2"], ack.All("GE"));
        Assert.Equal("IEA*2*000003438", ack.Single("IEA"));
        Assert.True(ack.EnvelopesAreValid);
    }

    [Fact]
    public void A_group_we_do_not_ingest_is_rejected_as_not_supported()
    {
        var result = Run.Single(Fixture.Text("x12_nodex12_855.edi"), Fixture.MillOptions());
        var ack = Run.Acknowledgment(result);

        Assert.Equal("book-supplier", result.PartnerId);
        Assert.Equal("AK5*R*1", ack.Single("AK5"));
        Assert.Equal("AK9*R*1*1*0*1", ack.Single("AK9"));
        Assert.Equal(0, result.OrderCount);
    }

    [Fact]
    public void A_non_850_set_inside_a_PO_group_is_not_supported_but_its_neighbours_are_ingested()
    {
        var set = Valid[Valid.IndexOf("ST*850", StringComparison.Ordinal)..Valid.IndexOf("GE*", StringComparison.Ordinal)];
        var other = set.Replace("ST*850*000000010", "ST*860*000000011", StringComparison.Ordinal).Replace("SE*33*000000010", "SE*33*000000011", StringComparison.Ordinal);
        var result = Run.Single(Valid.ReplaceOnce(set, set + other).ReplaceOnce("GE*1*1421", "GE*2*1421"));
        var ack = Run.Acknowledgment(result);

        Assert.Equal(["AK5*A", "AK5*R*1"], ack.All("AK5"));
        Assert.Equal("AK9*P*2*2*1", ack.Single("AK9"));
        Assert.Equal(1, result.OrderCount);
    }

    [Fact]
    public async Task Orders_are_handed_on_while_the_stream_is_read()
    {
        var seen = new List<string>();
        var processor = new EdiInterchangeProcessor(Fixture.XyzOptions(), time: new FixedTime(Run.Now));
        using var stream = new MemoryStream(Fixture.Ascii(Valid));
        var result = await processor.ProcessAsync(stream, (order, _) => { seen.Add(order.OrderId); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(["edi:xyz-retail:08292233294"], seen);
        Assert.Empty(result.Orders); // streamed, not collected
        Assert.Equal(Valid.Length, result.BytesRead);
    }

    [Fact]
    public async Task Cancellation_stops_processing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var processor = new EdiInterchangeProcessor(Fixture.XyzOptions());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processor.ProcessAsync(Fixture.Ascii(Valid), cancellation.Token));
    }

    [Fact]
    public void Garbage_raises_the_documented_parse_error()
    {
        var error = Assert.Throws<Parsing.X12ParseException>(() => Run.Process("<xml>not edi</xml>"));
        Assert.Equal(Parsing.X12ParseErrorCode.MissingInterchangeHeader, error.Code);
    }

    [Fact]
    public void TA1_is_written_when_the_partner_asks_for_it()
    {
        var ack = Run.Acknowledgment(Run.Single(Valid.ReplaceOnce("*000003438*0*P*", "*000003438*1*P*")));
        Assert.Equal("TA1*000003438*101127*1719*A*000", ack.Single("TA1"));
        Assert.True(ack.EnvelopesAreValid);
    }

    [Fact]
    public void Options_bind_from_the_Channels_Edi_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Edi:InterchangeReceiverId"] = "999999999",
            ["Channels:Edi:InterchangeReceiverQualifier"] = "01",
            ["Channels:Edi:Partners:xyz-retail:InterchangeSenderId"] = "4405197800",
            ["Channels:Edi:Partners:xyz-retail:InterchangeSenderQualifier"] = "12",
            ["Channels:Edi:Partners:xyz-retail:DefaultCurrency"] = "EUR",
        }).Build();
        var options = configuration.GetSection(EdiOptions.SectionName).Get<EdiOptions>()!;

        Assert.Empty(options.Validate());
        var order = Assert.Single(new EdiInterchangeProcessor(options).Process(Fixture.Ascii(Valid)).Orders);
        Assert.Equal("EUR", order.Currency);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_processor_is_built()
    {
        var options = Fixture.XyzOptions();
        options.Partners["bad:id"] = new EdiPartnerOptions { InterchangeSenderId = "X", DefaultCurrency = "EURO" };
        var error = Assert.Throws<ArgumentException>(() => new EdiInterchangeProcessor(options));
        Assert.Contains("bad:id", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultCurrency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_published_fixture_produces_an_acknowledgment_with_valid_envelopes()
    {
        foreach (var (fixture, options) in new[] { ("x12_nodex12_850.edi", Fixture.XyzOptions()), ("x12_nodex12_850_2.edi", Fixture.XyzOptions()), ("x12_nodex12_850_3.edi", Fixture.PetcoOptions()), ("x12_nodex12_850_fat.edi", Fixture.XyzOptions()), ("x12_nodex12_856.edi", Fixture.XyzOptions()), ("x12_nodex12_855.edi", Fixture.MillOptions()) })
        {
            foreach (var interchange in Run.Process(Fixture.Text(fixture), options).Interchanges)
            {
                Assert.True(Run.Acknowledgment(interchange).EnvelopesAreValid, fixture);
            }
        }
    }

    [Fact]
    public void The_published_pyx12_997s_read_with_valid_envelopes()
    {
        var accepted = X12Document.Parse(Fixture.Text("x12_pyx12_997_accepted_834_lui_id.x12"));
        Assert.True(accepted.EnvelopesAreValid);
        Assert.Equal("AK9*A*1*1*1", accepted.Single("AK9"));

        // pyx12's rejecting sample places TA1 after GE, outside any group: allowed, not content.
        var rejected = X12Document.Parse(Fixture.Text("x12_pyx12_997_rejected_with_TA1_837miss.x12"));
        Assert.Equal("AK5*R*2", rejected.Single("AK5"));
        Assert.Single(rejected.Groups);
        Assert.True(rejected.EnvelopesAreValid);
    }
}
