using FsCheck.Xunit;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.Tests;

/// <summary>
/// Random damage to valid interchanges (changed, deleted, inserted, duplicated bytes, separators in odd places,
/// truncation) never raises anything but <see cref="X12ParseException"/>; and whatever comes out is sound: every
/// acknowledgment we write reads back with valid envelopes, and every order passes the canonical validator.
/// </summary>
public sealed class MutationPropertyTests
{
    private static readonly (byte[] Bytes, EdiOptions Options)[] Seeds =
    [
        (Fixture.Bytes("x12_nodex12_850.edi"), Fixture.XyzOptions()),
        (Fixture.Bytes("x12_nodex12_850_2.edi"), Fixture.XyzOptions()),
        (Fixture.Bytes("x12_nodex12_850_3.edi"), Fixture.PetcoOptions()),
        (Fixture.Bytes("x12_nodex12_850_fat.edi"), Fixture.XyzOptions()),
        (Fixture.Ascii(PurchaseOrderMappingTests.Build850(w =>
        {
            w.WriteSegment("BEG", "00", "NE", "PO-7788", null, "20261120");
            w.WriteSegment("CUR", "BY", "CAD");
            w.WriteSegment("PER", "BD", "JANE", "EM", "jane@buyer.example");
            w.WriteSegment("DTM", "038", "20261130", "1530");
            w.WriteSegment("N1", "ST", "STORE 12", "92", "0012");
            w.WriteSegment("N3", "12 MAIN ST");
            w.WriteSegment("N4", "OTTAWA", "ON", "K1A 0B1", "CA");
            w.WriteSegment("PO1", "10", "3", "EA", "1.25", null, "BP", "BUY-1", "SK", "OUR-SKU-1");
            w.WriteSegment("CTP", null, "CON", "12.50");
            w.WriteSegment("PID", "F", null, null, null, "BLUE MUG");
            w.WriteSegment("CTT", "1", "3");
            w.WriteSegment("AMT", "TT", "3.75");
        })), Fixture.XyzOptions()),
    ];

    private static readonly byte[] Interesting = "*~>^:|\n\r 0129AZISAGSSTSEGEIEA-."u8.ToArray();

    [Property(MaxTest = 3000)]
    public void Random_mutations_never_raise_anything_but_the_documented_parse_error(byte seedChoice, int[] positions, byte[] values, byte[] kinds)
    {
        var (original, options) = Seeds[seedChoice % Seeds.Length];
        var bytes = Mutate(original, positions, values, kinds);
        var processor = new EdiInterchangeProcessor(options, time: new FixedTime(Run.Now));

        EdiProcessingResult result;
        try
        {
            result = processor.Process(bytes);
        }
        catch (X12ParseException)
        {
            return;
        }

        foreach (var interchange in result.Interchanges)
        {
            if (interchange.Acknowledgment is { } acknowledgment)
            {
                Assert.True(X12Document.Parse(acknowledgment).EnvelopesAreValid, acknowledgment);
            }
        }

        foreach (var order in result.Orders)
        {
            Assert.Empty(OrderValidator.Validate(order));
        }
    }

    private static byte[] Mutate(byte[] original, int[] positions, byte[] values, byte[] kinds)
    {
        var bytes = new List<byte>(original);
        var count = Math.Min(kinds.Length, 8);
        for (var i = 0; i < count; i++)
        {
            if (bytes.Count == 0)
            {
                break;
            }

            var position = Math.Abs((positions.Length > i ? positions[i] : i * 37) % bytes.Count);
            var value = values.Length > i ? values[i] : (byte)i;
            var length = 1 + (value % 40);
            switch (kinds[i] % 7)
            {
                case 0:
                    bytes[position] = value;
                    break;
                case 1:
                    bytes.RemoveRange(position, Math.Min(length, bytes.Count - position));
                    break;
                case 2:
                    bytes.InsertRange(position, Enumerable.Repeat(value, 1 + (value % 3)));
                    break;
                case 3:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                case 4:
                    bytes.InsertRange(position, bytes.GetRange(position, Math.Min(length, bytes.Count - position)));
                    break;
                default:
                    bytes[position] = Interesting[value % Interesting.Length];
                    break;
            }
        }

        return [.. bytes];
    }
}
