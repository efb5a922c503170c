using System.Globalization;
using System.Text;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Adapters.EdiX12.Writing;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class PurchaseOrderMappingTests
{
    [Theory]
    [InlineData("x12_nodex12_850.edi")]
    [InlineData("x12_nodex12_850_2.edi")]
    public void The_published_850_becomes_a_valid_canonical_order(string fixture)
    {
        var order = Assert.Single(Run.Process(Fixture.Text(fixture)).Orders);

        Assert.Empty(OrderValidator.Validate(order));
        Assert.Equal("edi:xyz-retail:08292233294", order.OrderId);
        Assert.Equal(Channels.Edi, order.Channel);
        Assert.Equal(Fixture.XyzPartner, order.ChannelAccount);
        Assert.Equal("08292233294", order.ChannelOrderId);
        Assert.Equal(new DateTimeOffset(2010, 11, 27, 0, 0, 0, TimeSpan.Zero), order.PlacedAt);
        Assert.Equal(new DateTimeOffset(2010, 11, 27, 17, 19, 0, TimeSpan.Zero), order.UpdatedAt); // GS04/GS05
        Assert.Equal("USD", order.Currency); // no CUR: the partner's default
        Assert.Null(order.ShipBy); // DTM*002 is "delivery requested", not a ship-by date
        Assert.Equal(new Address { Company = "XYZ RETAIL", Line1 = "31875 SOLON RD", City = "SOLON", Region = "OH", PostalCode = "44139" }, order.ShippingAddress);
        Assert.Equal(6, order.LineItems.Count);
        var first = order.LineItems[0];
        Assert.Equal("1", first.LineId);
        Assert.Equal(120, first.Quantity);
        Assert.Equal(new Money(9.25m, "USD"), first.UnitPrice);
        Assert.Equal("SMALL WIDGET", first.Title);
        Assert.Equal("AB3542", first.Sku); // VN: the vendor's (our) item number
        Assert.Equal("065322-117", first.ChannelItemId); // CB: the buyer's catalog number
        Assert.Equal(new Money(13045.94m, "USD"), order.Totals.Subtotal); // AMT*1: line item total
        Assert.Equal(13045.94m, order.LineItems.Sum(l => l.Quantity * l.UnitPrice!.Value.Amount));
        var edi = order.ChannelMetadata["edi"]!;
        Assert.Equal("000003438", (string?)edi["interchangeControlNumber"]);
        // The set between ST and SE, verbatim with the interchange's own terminator (a newline in 850_2).
        var x12 = ((string)edi["x12"]!).Replace('\n', '~');
        Assert.StartsWith("BEG*00*SA*08292233294**20101127*610385385~REF*DP*038~REF*PS*R~", x12, StringComparison.Ordinal);
        Assert.Contains("~TD5*A*92*P3**SEE XYZ RETAIL ROUTING GUIDE~", x12, StringComparison.Ordinal);
        Assert.Contains("~PO1*1*120*EA*9.25*TE*CB*065322-117*PR*RO*VN*AB3542~PID*F****SMALL WIDGET~PO4*4*4*EA*PLT94**3*LR*15*CT~", x12, StringComparison.Ordinal);
        Assert.EndsWith("~CTT*6~AMT*1*13045.94~", x12, StringComparison.Ordinal);
        Assert.Equal(33 - 2, x12.Count(c => c == '~')); // every segment but ST/SE
    }

    [Fact]
    public void The_second_published_850_maps_SK_PD_and_a_line_without_PO101()
    {
        var order = Assert.Single(Run.Process(Fixture.Text("x12_nodex12_850_3.edi"), Fixture.PetcoOptions()).Orders);

        Assert.Empty(OrderValidator.Validate(order));
        Assert.Equal("edi:petco:----------", order.OrderId);
        var line = Assert.Single(order.LineItems);
        Assert.Equal("1", line.LineId); // PO101 is empty: the ordinal
        Assert.Equal(1, line.Quantity);
        Assert.Equal(new Money(225m, "USD"), line.UnitPrice); // PO104 225, no basis code
        Assert.Equal("000000000001010700", line.Sku);
        Assert.Equal("SU - SPARK - AQ FREEZER PUSHER", line.Title); // PD qualifier, no PID
        Assert.Equal("SAN DIEGO", order.ShippingAddress?.City);
        Assert.Equal("PETCO - CORPORATE", order.ShippingAddress?.Company);
        Assert.StartsWith("000000000001010700 BUYER", order.Note, StringComparison.Ordinal);
        var x12 = (string)order.ChannelMetadata["edi"]!["x12"]!;
        Assert.Contains("\nN1*VN*----- ------ --------- ---*ZZ*-----\n", x12, StringComparison.Ordinal); // the vendor party: metadata only, newline-terminated as sent
    }

    [Fact]
    public void A_full_850_written_with_our_writer_maps_every_recognised_segment()
    {
        var text = Build850(w =>
        {
            w.WriteSegment("BEG", "00", "NE", "PO-7788", null, "20261120");
            w.WriteSegment("CUR", "BY", "CAD");
            w.WriteSegment("REF", "IA", "VENDOR-42");
            w.WriteSegment("PER", "BD", "JANE BUYER", "TE", "555-0100", "EM", "jane@buyer.example");
            w.WriteSegment("DTM", "037", "20261125");
            w.WriteSegment("DTM", "038", "20261130", "1530");
            w.WriteSegment("NTE", "GEN", "Deliver to dock 4");
            w.WriteSegment("N1", "BY", "BUYER CO", "92", "B1");
            w.WriteSegment("N1", "BT", "BUYER CO AP", "92", "AP1");
            w.WriteSegment("N3", "PO BOX 1");
            w.WriteSegment("N4", "TORONTO", "ON", "M5V 2T6", "CAN");
            w.WriteSegment("N1", "ST", "STORE 12", "92", "0012");
            w.WriteSegment("N2", "ATTN RECEIVING");
            w.WriteSegment("N3", "12 MAIN ST", "UNIT 5");
            w.WriteSegment("N4", "OTTAWA", "ON", "K1A 0B1", "CA");
            w.WriteSegment("PER", "RE", "DOCK MANAGER", "TE", "555-0199");
            w.WriteSegment("PO1", "10", "3", "EA", null, null, "BP", "BUY-1", "UP", "012345678905", "SK", "OUR-SKU-1");
            w.WriteSegment("CTP", null, "CON", "12.50");
            w.WriteSegment("PID", "F", null, null, null, "BLUE MUG");
            w.WriteSegment("PO4", "6", "1", "EA");
            w.WriteSegment("PO1", "20", "1", "CA", "40", "PE", "VP", "OUR-CASE");
            w.WriteSegment("CTT", "2", "4");
            w.WriteSegment("AMT", "TT", "77.50");
        });

        var order = Assert.Single(Run.Process(text).Orders);

        Assert.Empty(OrderValidator.Validate(order));
        Assert.Equal("CAD", order.Currency);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 15, 30, 0, TimeSpan.Zero), order.ShipBy); // 038 ship no later; 037 is not a ship-by
        Assert.Equal(new Customer { Name = "JANE BUYER", Email = "jane@buyer.example", Phone = "555-0100" }, order.Customer);
        Assert.Equal(new Address { Company = "STORE 12", Name = "ATTN RECEIVING", Line1 = "12 MAIN ST", Line2 = "UNIT 5", City = "OTTAWA", Region = "ON", PostalCode = "K1A 0B1", CountryCode = "CA", Phone = "555-0199" }, order.ShippingAddress);
        Assert.Equal("CA", order.BillingAddress?.CountryCode); // CAN mapped to alpha-2
        Assert.Equal("BUYER CO AP", order.BillingAddress?.Company);
        Assert.Equal("Deliver to dock 4", order.Note);
        Assert.Equal(new Money(77.50m, "CAD"), order.Totals.Total);
        var mug = order.LineItems[0];
        Assert.Equal(("10", "OUR-SKU-1", "BUY-1", "BLUE MUG", 3), (mug.LineId, mug.Sku, mug.ChannelItemId, mug.Title, mug.Quantity));
        Assert.Equal(new Money(12.50m, "CAD"), mug.UnitPrice); // no PO104: the CTP contract price
        var crate = order.LineItems[1];
        Assert.Equal(("OUR-CASE", new Money(40m, "CAD"), "VP OUR-CASE"), (crate.Sku, crate.UnitPrice!.Value, crate.Title));
        Assert.Contains("~PO1*20*1*CA*40*PE*VP*OUR-CASE~", (string)order.ChannelMetadata["edi"]!["x12"]!, StringComparison.Ordinal); // unit CA kept verbatim
    }

    [Fact]
    public void A_cancellation_850_carries_the_cancellation()
    {
        var text = Build850(w =>
        {
            w.WriteSegment("BEG", "01", "SA", "PO-1", null, "20261120");
            w.WriteSegment("PO1", "1", "1", "EA", "1");
            w.WriteSegment("CTT", "1");
        });

        var order = Assert.Single(Run.Process(text).Orders);
        Assert.NotNull(order.Cancellation);
    }

    [Theory]
    [InlineData("BEG*00*SA***20261120", "AK3*BEG*2**8", "AK4*3**1")]
    [InlineData("BEG*00*SA*PO-1**20261340", "AK3*BEG*2**8", "AK4*5**8*20261340")]
    [InlineData("CUR*BY*XYZ", "AK3*CUR*3**8", "AK4*2**7*XYZ")]
    [InlineData("PO1*1*1.5*EA*2", "AK3*PO1*3**8", "AK4*2**6*1.5")]
    [InlineData("PO1*1*0*EA*2", "AK3*PO1*3**8", "AK4*2**6*0")]
    [InlineData("PO1*1*2*EA*abc", "AK3*PO1*3**8", "AK4*4**6*abc")]
    [InlineData("DTM*038*2026", "AK3*DTM*3**8", "AK4*2**8*2026")]
    public void Bad_elements_reject_the_set_with_AK3_and_AK4(string badSegment, string ak3, string ak4)
    {
        var segments = new List<string> { "BEG*00*SA*PO-1**20261120", "PO1*1*1*EA*2", "CTT*1" };
        var id = badSegment[..3].TrimEnd('*');
        var replaced = segments.FindIndex(s => s.StartsWith(id, StringComparison.Ordinal));
        if (replaced >= 0)
        {
            segments[replaced] = badSegment;
        }
        else
        {
            segments.Insert(1, badSegment);
        }

        var result = Run.Single(Handmade(segments));
        var ack = Run.Acknowledgment(result);

        Assert.Equal(0, result.OrderCount);
        Assert.Equal(ak3, ack.Single("AK3"));
        Assert.Equal(ak4, ack.Single("AK4"));
        Assert.Equal("AK5*R*5", ack.Single("AK5"));
    }

    [Fact]
    public void A_CTT_line_count_that_disagrees_is_accepted_with_errors_noted()
    {
        var result = Run.Single(Handmade(["BEG*00*SA*PO-1**20261120", "PO1*1*1*EA*2", "CTT*3"]));
        var ack = Run.Acknowledgment(result);

        Assert.Equal(1, result.OrderCount);
        Assert.Equal("AK3*CTT*4**8", ack.Single("AK3"));
        Assert.Equal("AK5*E", ack.Single("AK5"));
        Assert.Equal("AK9*E*1*1*1", ack.Single("AK9"));
    }

    [Fact]
    public void An_850_without_lines_or_BEG_is_rejected_as_missing_a_mandatory_segment()
    {
        Assert.Equal("AK3*PO1*3**3", Run.Acknowledgment(Run.Single(Handmade(["BEG*00*SA*PO-1**20261120", "CTT*0"]))).Single("AK3"));
        Assert.Equal("AK3*BEG*2**3", Run.Acknowledgment(Run.Single(Handmade(["PO1*1*1*EA*2"]))).Single("AK3"));
    }

    /// <summary>An 850 interchange from the node-x12 partner, written through <see cref="X12Writer"/>.</summary>
    internal static string Build850(Action<X12Writer> body, int controlNumber = 4242)
    {
        var text = new StringBuilder();
        var writer = new X12Writer(new StringWriter(text, CultureInfo.InvariantCulture), X12Separators.Default, lineBreakAfterSegment: true);
        writer.BeginInterchange(new X12InterchangeEnvelope
        {
            SenderQualifier = "12",
            SenderId = "4405197800",
            ReceiverQualifier = "01",
            ReceiverId = "999999999",
            CreatedAt = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero),
            ControlNumber = controlNumber,
        });
        writer.BeginGroup("PO", "4405197800", "999999999", new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero), 77, "004010");
        writer.BeginTransactionSet("850");
        body(writer);
        writer.EndTransactionSet();
        writer.EndGroup();
        writer.EndInterchange();
        return text.ToString();
    }

    /// <summary>Raw segments (even invalid ones the writer would refuse) in a correct envelope.</summary>
    internal static string Handmade(IReadOnlyList<string> setBody)
    {
        var isa = Fixture.Text("x12_nodex12_850.edi")[..106];
        var lines = new List<string> { isa, "GS*PO*4405197800*999999999*20261120*0930*77*X*004010~", "ST*850*0001~" };
        lines.AddRange(setBody.Select(s => s + "~"));
        lines.Add($"SE*{setBody.Count + 2}*0001~");
        lines.Add("GE*1*77~");
        lines.Add("IEA*1*000003438~");
        return string.Join('\n', lines);
    }
}
