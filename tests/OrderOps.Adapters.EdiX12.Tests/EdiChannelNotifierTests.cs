using System.Text.Json.Nodes;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Tests;

/// <summary>
/// The 855s the EDI notifier leaves in the outbox for node-x12's published 850 (see Fixtures/SOURCES.md), read back
/// with the adapter's own reader and envelope validator and checked segment by segment.
/// </summary>
public sealed class EdiChannelNotifierTests : IDisposable
{
    private const string Acceptance = "855-08292233294.x12";
    private const string Cancellation = "855-08292233294_cancel.x12";

    private readonly NotifierRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Acceptance_is_an_855_that_echoes_every_PO1_of_the_850_with_an_accepted_ACK()
    {
        var result = await _rig.Notifier.AcknowledgeAcceptanceAsync(_rig.Order(), default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Equal([Acceptance], _rig.Documents());
        var ack = _rig.Read(Acceptance);
        Assert.True(ack.EnvelopesAreValid);
        var isa = ack.Segments[0];
        Assert.Equal(("01", "999999999", "12", "4405197800"), (isa[5], isa[6].Trim(), isa[7], isa[8].Trim())); // from us to the partner
        Assert.Equal(("00401", "000000001", "P"), (isa[12], isa[13], isa[15]));
        Assert.Equal("GS*PR*999999999*4405197800*20261123*0102*1*X*004010VICS", ack.Single("GS")); // the 850's own GS08
        Assert.Equal("ST*855*0001", ack.Single("ST"));
        Assert.Equal("BAK*00*AD*08292233294*20101127*****20261123", ack.Single("BAK")); // PO number and date of the 850, BAK09 today

        var sent = X12Document.Parse(Fixture.Text("x12_nodex12_850.edi"));
        var expectedLines = sent.All("PO1").Zip(sent.All("PID"), (po1, pid) => new[] { po1, pid, "ACK*IA*" + po1.Split('*')[2] + "*EA" }).SelectMany(l => l);
        Assert.Equal(expectedLines, ack.Segments.Where(s => s[0] is "PO1" or "PID" or "ACK").Select(s => string.Join('*', s)));
        Assert.Equal("PO1*1*120*EA*9.25*TE*CB*065322-117*PR*RO*VN*AB3542", ack.All("PO1")[0]);
        Assert.Equal("CTT*6*1310", ack.Single("CTT")); // six lines, 120+220+126+76+72+696 accepted
        Assert.Equal("SE*22*0001", ack.Single("SE"));
        Assert.Equal(["ISA", "GS", "ST", "BAK", .. Enumerable.Repeat<string[]>(["PO1", "PID", "ACK"], 6).SelectMany(s => s), "CTT", "SE", "GE", "IEA"], ack.Segments.Select(s => s[0]));
        Assert.Equal(("GE*1*1", "IEA*1*000000001"), (ack.Single("GE"), ack.Single("IEA")));
    }

    [Fact]
    public async Task The_855_loops_and_totals_follow_the_published_855()
    {
        await _rig.Notifier.AcknowledgeAcceptanceAsync(_rig.Order(), default);
        var ours = _rig.Read(Acceptance);
        var published = X12Document.Parse(Fixture.Text("x12_nodex12_855.edi"));

        // Published: PO1, PID, ACK (then SCH) per line; CTT02 is the sum of ACK02, and a rejected line acknowledges 0.
        Assert.Equal("CTT*4*5", published.Single("CTT"));
        Assert.Equal(5, published.Segments.Where(s => s[0] == "ACK").Sum(s => int.Parse(s[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(published.All("ACK").Where(a => a.StartsWith("ACK*IR*", StringComparison.Ordinal)), a => Assert.StartsWith("ACK*IR*0*", a, StringComparison.Ordinal));
        static List<string> LoopShape(X12Document d) => d.Segments.Select(s => s[0]).Where(id => id is "BAK" or "PO1" or "PID" or "ACK" or "CTT").Distinct().ToList();
        Assert.Equal(LoopShape(published), LoopShape(ours));
        Assert.Equal(ours.Segments.Where(s => s[0] == "ACK").Sum(s => int.Parse(s[2], System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture), ours.Single("CTT").Split('*')[2]);
    }

    [Fact]
    public async Task A_repeated_acceptance_writes_one_document_and_a_collected_one_comes_back_identical()
    {
        var order = _rig.Order();
        await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        var first = _rig.Text(Acceptance);

        _rig.Time.Now = _rig.Time.Now.AddHours(3);
        var again = await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);

        Assert.Equal(ChannelNotifyStatus.Done, again.Status);
        Assert.Contains("not written again", again.Detail, StringComparison.Ordinal);
        Assert.Equal([Acceptance], _rig.Documents());
        Assert.Equal(first, _rig.Text(Acceptance));

        // Even if what the order says changed in between, a document once written is never changed.
        await _rig.Notifier.AcknowledgeAcceptanceAsync(order with { PlacedAt = order.PlacedAt.AddDays(1) }, default);
        Assert.Equal(first, _rig.Text(Acceptance));

        // A partner that deletes what it collected and a lifecycle that repeats the call after that: the same
        // interchange again (same ISA13 and times), which the partner's duplicate check recognises.
        File.Delete(Path.Combine(_rig.Folder(), Acceptance));
        await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        Assert.Equal(first, _rig.Text(Acceptance));
        Assert.Equal(2, await _rig.ControlNumbers.NextForAsync("12", "4405197800", default)); // no number was spent on the repeats
    }

    [Fact]
    public async Task Control_numbers_increase_across_documents_and_share_the_counter_of_997s_and_846s()
    {
        var order = _rig.Order();
        Assert.Equal(1, await _rig.ControlNumbers.NextForAsync("12", "4405197800", default)); // e.g. a 997 sent earlier

        await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        await _rig.Notifier.ConfirmShipmentAsync(order, new ShipmentNotice("S1", "east", "UPSN", "1Z1", null, [new ShippedLine("1", "AB3542", 120)], _rig.Time.Now), default);
        await _rig.Notifier.ConfirmShipmentAsync(order, new ShipmentNotice("S2", "east", "UPSN", "1Z2", null, [new ShippedLine("2", "RD5322", 220)], _rig.Time.Now), default);

        Assert.Equal("000000002", _rig.Read(Acceptance).Segments[0][13]);
        Assert.Equal("000000003", _rig.Read("856-08292233294_S1.x12").Segments[0][13]);
        Assert.Equal("000000004", _rig.Read("856-08292233294_S2.x12").Segments[0][13]);
        Assert.Equal("GE*1*4", _rig.Read("856-08292233294_S2.x12").Single("GE")); // GS06 = ISA13
    }

    [Fact]
    public async Task A_cancellation_before_acceptance_is_an_855_rejecting_the_PO_without_detail()
    {
        var result = await _rig.Notifier.AcknowledgeCancellationAsync(_rig.Order(), "failed validation", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Equal([Cancellation], _rig.Documents());
        var reject = _rig.Read(Cancellation);
        Assert.True(reject.EnvelopesAreValid);
        Assert.Equal(["ISA", "GS", "ST", "BAK", "SE", "GE", "IEA"], reject.Segments.Select(s => s[0]));
        Assert.Equal("BAK*00*RJ*08292233294*20101127*****20261123", reject.Single("BAK"));
    }

    [Fact]
    public async Task A_cancellation_after_acceptance_replaces_the_855_with_a_rejection_of_every_line()
    {
        var order = _rig.Order();
        await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        var accepted = _rig.Text(Acceptance);

        var result = await _rig.Notifier.AcknowledgeCancellationAsync(order, "out of stock", requestedByChannel: false, default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        Assert.Equal([Acceptance, Cancellation], _rig.Documents());
        Assert.Equal(accepted, _rig.Text(Acceptance));
        var reject = _rig.Read(Cancellation);
        Assert.True(reject.EnvelopesAreValid);
        Assert.Equal("BAK*05*RD*08292233294*20101127*****20261123", reject.Single("BAK"));
        Assert.Equal(_rig.Read(Acceptance).All("PO1"), reject.All("PO1"));
        Assert.Equal(Enumerable.Repeat("ACK*IR*0*EA", 6), reject.All("ACK"));
        Assert.Equal("CTT*6*0", reject.Single("CTT"));
        Assert.Equal("000000002", reject.Segments[0][13]);
    }

    [Fact]
    public async Task A_cancellation_the_partner_asked_for_sends_nothing()
    {
        var result = await _rig.Notifier.AcknowledgeCancellationAsync(_rig.Order(), "BEG01 01 (cancellation)", requestedByChannel: true, default);

        Assert.Equal(ChannelNotifyStatus.NotApplicable, result.Status);
        Assert.Contains("997", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_rig.Documents());
    }

    [Fact]
    public async Task An_order_of_a_partner_that_is_not_configured_fails_with_the_reason_and_writes_nothing()
    {
        var order = _rig.Order() with { ChannelAccount = "gone" };

        var results = new[]
        {
            await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default),
            await _rig.Notifier.ConfirmShipmentAsync(order, new ShipmentNotice("S1", "east", null, null, null, [new ShippedLine("1", null, 1)], _rig.Time.Now), default),
            await _rig.Notifier.AcknowledgeCancellationAsync(order, "x", requestedByChannel: false, default),
        };

        Assert.All(results, r =>
        {
            Assert.Equal(ChannelNotifyStatus.Failed, r.Status);
            Assert.Contains("EDI partner 'gone'", r.Detail, StringComparison.Ordinal);
            Assert.Contains("Channels:Edi:Partners:gone", r.Detail, StringComparison.Ordinal);
        });
        Assert.Empty(_rig.Documents("gone"));
        Assert.Empty(_rig.Documents());
    }

    [Fact]
    public async Task An_order_without_its_850_text_fails_instead_of_inventing_lines()
    {
        var order = _rig.Order() with { ChannelMetadata = [] };

        var result = await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("no 850 text", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_rig.Documents());
    }

    [Fact]
    public async Task An_order_mapped_before_the_separators_were_kept_splits_its_850_text_by_the_text_itself()
    {
        var order = _rig.Order("x12_nodex12_850_2.edi"); // newline as the segment terminator
        var edi = (JsonObject)order.ChannelMetadata["edi"]!;
        Assert.Equal(("*", ">", "\n"), ((string?)edi["elementSeparator"], (string?)edi["componentSeparator"], (string?)edi["segmentTerminator"]));
        await _rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        var withSeparators = _rig.Text(Acceptance);

        using var older = new NotifierRig();
        var legacy = (JsonObject)edi.DeepClone();
        legacy.Remove("elementSeparator");
        legacy.Remove("componentSeparator");
        legacy.Remove("segmentTerminator");
        await older.Notifier.AcknowledgeAcceptanceAsync(order with { ChannelMetadata = new JsonObject { ["edi"] = legacy } }, default);

        Assert.Equal(withSeparators, older.Text(Acceptance));
        Assert.Equal(6, older.Read(Acceptance).All("PO1").Count);
    }

    [Fact]
    public async Task A_PO_without_line_numbers_is_echoed_as_sent_in_the_855_and_numbered_by_ordinal_in_the_856()
    {
        using var rig = new NotifierRig(Fixture.PetcoOptions());
        var order = rig.Order("x12_nodex12_850_3.edi"); // PO101 empty, newline-terminated, PO number "----------"

        await rig.Notifier.AcknowledgeAcceptanceAsync(order, default);
        await rig.Notifier.ConfirmShipmentAsync(order, new ShipmentNotice("S-1", "east", null, null, null, [new ShippedLine("1", null, 1)], rig.Time.Now), default);

        Assert.Equal(["855-----------.x12", "856-----------_S-1.x12"], rig.Documents(Fixture.PetcoPartner));
        var po1 = X12Document.Parse(Fixture.Text("x12_nodex12_850_3.edi")).Single("PO1");
        Assert.StartsWith("PO1**", po1, StringComparison.Ordinal);
        Assert.Equal(po1, rig.Read("855-----------.x12", Fixture.PetcoPartner).Single("PO1"));
        var notice = rig.Read("856-----------_S-1.x12", Fixture.PetcoPartner);
        Assert.True(notice.EnvelopesAreValid);
        Assert.StartsWith("LIN*1*", notice.Single("LIN"), StringComparison.Ordinal);
        Assert.StartsWith("SN1*1*1*", notice.Single("SN1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_are_written_in_the_partners_configured_separators()
    {
        var options = Fixture.XyzOptions();
        var partner = options.Partners[Fixture.XyzPartner];
        (partner.ElementSeparator, partner.ComponentSeparator, partner.SegmentTerminator) = ("|", ":", "\n");
        using var rig = new NotifierRig(options);

        await rig.Notifier.AcknowledgeAcceptanceAsync(rig.Order(), default);

        var text = rig.Text(Acceptance);
        Assert.StartsWith("ISA|00|", text, StringComparison.Ordinal);
        Assert.Contains("\nBAK|00|AD|08292233294|20101127|||||20261123\n", text, StringComparison.Ordinal);
        var ack = X12Document.Parse(text);
        Assert.True(ack.EnvelopesAreValid);
        Assert.Equal(((byte)'|', (byte)':', (byte)'\n'), (ack.Separators.Element, ack.Separators.Component, ack.Separators.Segment));
    }

    [Fact]
    public void Separators_a_partner_cannot_be_sent_are_refused_at_start_up()
    {
        var options = Fixture.XyzOptions();
        options.Partners[Fixture.XyzPartner].SegmentTerminator = "*";

        Assert.Contains(options.Validate(), p => p.Contains("SegmentTerminator", StringComparison.Ordinal));
        Assert.Empty(Fixture.XyzOptions().Validate());
    }

    [Fact]
    public async Task A_value_holding_an_outbound_separator_fails_with_the_reason()
    {
        var options = Fixture.XyzOptions();
        options.Partners[Fixture.XyzPartner].ElementSeparator = "-"; // the published 850's product ids hold dashes
        using var rig = new NotifierRig(options);

        var result = await rig.Notifier.AcknowledgeAcceptanceAsync(rig.Order(), default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("cannot be written", result.Detail, StringComparison.Ordinal);
        Assert.Empty(rig.Documents());
    }
}
