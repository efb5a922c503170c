using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Tests;

/// <summary>
/// The 856 the EDI notifier writes per shipment, compared with node-x12's published 856 (Fixtures/x12_nodex12_856.edi):
/// an 850 for that 856's PO and items is mapped, both items are shipped, and our 856 must have the same HL hierarchy,
/// the same segment order, and the same order and item segments.
/// </summary>
public sealed class ShipNoticeTests : IDisposable
{
    private readonly NotifierRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task The_856_for_the_published_856s_PO_and_items_has_its_structure_and_segments()
    {
        var order = Assert.Single(Run.Process(PurchaseOrderFor856(), _rig.Options).Orders);
        var shipment = new ShipmentNotice("829716", "solon", "XXXX", "5787970539", null,
            [new ShippedLine("1", "87787D", 24), new ShippedLine("2", "99887D", 6)], new DateTimeOffset(2011, 12, 6, 14, 24, 0, TimeSpan.Zero));

        var result = await _rig.Notifier.ConfirmShipmentAsync(order, shipment, default);

        Assert.Equal(ChannelNotifyStatus.Done, result.Status);
        var ours = _rig.Read("856-99999817_829716.x12");
        var published = X12Document.Parse(Fixture.Text("x12_nodex12_856.edi"));
        Assert.True(ours.EnvelopesAreValid);
        Assert.True(published.EnvelopesAreValid);

        // The hierarchy: shipment 1, order 2 under it, items 3 and 4 under the order.
        Assert.Equal(["HL*1**S", "HL*2*1*O", "HL*3*2*I", "HL*4*2*I"], ours.All("HL"));
        Assert.Equal(published.All("HL"), ours.All("HL"));

        // Order and item segments, carrier and tracking, line and hash totals: as published.
        foreach (var id in new[] { "PRF", "LIN", "SN1", "PID", "TD5", "CTT" })
        {
            Assert.Equal(published.All(id), ours.All(id));
        }

        Assert.Equal(published.All("REF").Where(r => r.StartsWith("REF*CN*", StringComparison.Ordinal)), ours.All("REF"));
        Assert.StartsWith("DTM*011*20111206*", ours.Single("DTM"), StringComparison.Ordinal);
        Assert.Equal(published.Single("DTM"), string.Join('*', ours.Single("DTM").Split('*')[..3]));
        Assert.Equal("DTM*011*20111206*1424*UT", ours.Single("DTM"));
        Assert.Equal(["BSN", "00", "829716", "20261123", "0102", "0004"], ours.Segments.Single(s => s[0] == "BSN"));
        Assert.Equal(["N1*ST*XYZ RETAIL*9*0003947268292", "N3*P O BOX 9999999", "N4*ATLANTA*GA*31139-0020"], ours.Segments.Where(s => s[0] is "N1" or "N3" or "N4").Select(s => string.Join('*', s)));

        // Segment order: ours is the published 856 with what OrderOps does not know left out, nothing added or moved.
        var ourIds = BodyIds(ours);
        var publishedIds = BodyIds(published);
        Assert.True(IsSubsequence(ourIds, publishedIds), $"{string.Join(' ', ourIds)} is not in the order of {string.Join(' ', publishedIds)}");
        Assert.Equal(["PO4", "TD1"], publishedIds.Except(ourIds).Order(StringComparer.Ordinal)); // cartons and weights: not known here
        Assert.Equal("GS*SH*999999999*4405197800*20261123*0102*1*X*004010", ours.Single("GS"));
        Assert.Equal("SE*21*0001", ours.Single("SE"));
    }

    [Fact]
    public async Task A_partial_shipment_lists_only_what_it_shipped()
    {
        var order = _rig.Order();

        await _rig.Notifier.ConfirmShipmentAsync(order, new ShipmentNotice("S1", "east", "UPS Ground", "1Z999", null, [new ShippedLine("2", "RD5322", 3)], _rig.Time.Now), default);

        var notice = _rig.Read("856-08292233294_S1.x12");
        Assert.True(notice.EnvelopesAreValid);
        Assert.Equal(["HL*1**S", "HL*2*1*O", "HL*3*2*I"], notice.All("HL"));
        Assert.Equal("LIN*2*CB*066850-116*PR*RO*VN*RD5322", notice.Single("LIN")); // the PO1's product ids as sent
        Assert.Equal("SN1*2*3*EA", notice.Single("SN1"));
        Assert.Equal("PID*F****MEDIUM WIDGET", notice.Single("PID"));
        Assert.Equal("TD5*****UPS Ground", notice.Single("TD5")); // not a SCAC: the routing text only
        Assert.Equal("REF*CN*1Z999", notice.Single("REF"));
        Assert.Equal("PRF*08292233294***20101127", notice.Single("PRF"));
        Assert.Equal("CTT*3*3", notice.Single("CTT"));
    }

    [Fact]
    public async Task One_856_per_shipment_and_a_repeated_shipment_writes_nothing_new()
    {
        var order = _rig.Order();
        var first = new ShipmentNotice("S1", "east", null, null, null, [new ShippedLine("1", "AB3542", 100)], _rig.Time.Now);
        var second = new ShipmentNotice("S2", "west", null, null, null, [new ShippedLine("1", "AB3542", 20), new ShippedLine("3", "XY5266", 126)], _rig.Time.Now);

        await _rig.Notifier.ConfirmShipmentAsync(order, first, default);
        var written = _rig.Text("856-08292233294_S1.x12");
        _rig.Time.Now = _rig.Time.Now.AddMinutes(10);
        var repeat = await _rig.Notifier.ConfirmShipmentAsync(order, first, default);
        await _rig.Notifier.ConfirmShipmentAsync(order, second, default);

        Assert.Contains("not written again", repeat.Detail, StringComparison.Ordinal);
        Assert.Equal(["856-08292233294_S1.x12", "856-08292233294_S2.x12"], _rig.Documents());
        Assert.Equal(written, _rig.Text("856-08292233294_S1.x12"));
        Assert.Equal(["SN1*1*20*EA", "SN1*3*126*EA"], _rig.Read("856-08292233294_S2.x12").All("SN1"));
        Assert.Equal(["000000001", "000000002"], _rig.Documents().Select(d => _rig.Read(d).Segments[0][13]));
    }

    [Fact]
    public async Task A_shipped_line_the_PO_does_not_have_fails_and_writes_nothing()
    {
        var result = await _rig.Notifier.ConfirmShipmentAsync(_rig.Order(), new ShipmentNotice("S1", "east", null, null, null, [new ShippedLine("99", "X", 1)], _rig.Time.Now), default);

        Assert.Equal(ChannelNotifyStatus.Failed, result.Status);
        Assert.Contains("line '99'", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_rig.Documents());
    }

    [Fact]
    public async Task A_shipment_id_that_does_not_fit_BSN02_is_shortened_to_a_stable_digest_and_escaped_in_the_name()
    {
        const string shipmentId = "0f8fad5b-d9cb-469f-a165-70867728950e/box_1";

        await _rig.Notifier.ConfirmShipmentAsync(_rig.Order(), new ShipmentNotice(shipmentId, "east", null, null, null, [new ShippedLine("1", "AB3542", 1)], _rig.Time.Now), default);

        var name = Assert.Single(_rig.Documents());
        Assert.Equal("856-08292233294_0f8fad5b-d9cb-469f-a165-70867728950e%2Fbox%5F1.x12", name);
        var bsn02 = _rig.Read(name).Segments.Single(s => s[0] == "BSN")[2];
        Assert.Matches("^[0-9A-F]{20}$", bsn02);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(shipmentId)))[..20], bsn02);
    }

    /// <summary>An 850 for the PO and items of the published 856: PO 99999817 of 2011-12-05, ship to XYZ RETAIL.</summary>
    private static string PurchaseOrderFor856() => PurchaseOrderMappingTests.Build850(w =>
    {
        w.WriteSegment("BEG", "00", "SA", "99999817", null, "20111205");
        w.WriteSegment("N1", "ST", "XYZ RETAIL", "9", "0003947268292");
        w.WriteSegment("N3", "P O BOX 9999999");
        w.WriteSegment("N4", "ATLANTA", "GA", "31139-0020");
        w.WriteSegment("PO1", "1", "24", "EA", "3.10", null, "VP", "87787D", "UP", "999999310145");
        w.WriteSegment("PID", "F", null, null, null, "BLUE WIDGET");
        w.WriteSegment("PO1", "2", "6", "EA", "2.75", null, "VP", "99887D", "UP", "999999311746");
        w.WriteSegment("PID", "F", null, null, null, "RED WIDGET");
        w.WriteSegment("CTT", "2", "30");
    });

    /// <summary>The segment ids between ST and SE.</summary>
    private static List<string> BodyIds(X12Document document) =>
        document.Segments.Select(s => s[0]).SkipWhile(id => id != "ST").Skip(1).TakeWhile(id => id != "SE").ToList();

    private static bool IsSubsequence(List<string> part, List<string> whole)
    {
        var at = 0;
        foreach (var id in whole)
        {
            if (at < part.Count && part[at] == id)
            {
                at++;
            }
        }

        return at == part.Count;
    }
}
