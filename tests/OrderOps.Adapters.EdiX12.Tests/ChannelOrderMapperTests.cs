using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class ChannelOrderMapperTests
{
    private readonly EdiChannelOrderMapper _mapper = new(Fixture.XyzOptions());

    [Fact]
    public void Maps_an_archived_interchange_to_the_orders_of_its_accepted_sets()
    {
        var orders = _mapper.Map(Payload(Fixture.Bytes("x12_nodex12_850.edi"), Fixture.XyzPartner));

        Assert.Equal(Channels.Edi, _mapper.Channel);
        Assert.Equal("edi:xyz-retail:08292233294", Assert.Single(orders).OrderId);
    }

    [Fact]
    public void Mapping_the_same_payload_twice_gives_the_same_orders()
    {
        var payload = Payload(Fixture.Bytes("x12_nodex12_850.edi"), Fixture.XyzPartner);
        var first = OrderOps.Core.Serialization.OrderOpsJson.Serialize(_mapper.Map(payload));
        var second = OrderOps.Core.Serialization.OrderOpsJson.Serialize(_mapper.Map(payload));
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_payload_archived_for_another_partner_is_refused()
    {
        var error = Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(Fixture.Bytes("x12_nodex12_850.edi"), "someone-else")));
        Assert.Contains("someone-else", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_sender_and_garbage_are_permanent_payload_errors()
    {
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(Fixture.Bytes("x12_nodex12_850_3.edi"), null)));
        var garbage = Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload("{\"json\":true}"u8.ToArray(), Fixture.XyzPartner)));
        Assert.IsType<Parsing.X12ParseException>(garbage.InnerException);
    }

    private static RawPayload Payload(byte[] body, string? account) => new()
    {
        Id = "edi:test:1",
        Channel = Channels.Edi,
        Account = account,
        Kind = "x12",
        ReceivedAt = Run.Now,
        Body = body,
    };
}
