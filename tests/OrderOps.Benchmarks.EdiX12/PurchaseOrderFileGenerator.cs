using System.Globalization;
using System.Text;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Writing;

namespace OrderOps.Benchmarks.EdiX12;

/// <summary>
/// Writes one interchange with one PO group holding as many 850s as it takes to reach the target size, the shape
/// node-x12 was measured on. Deterministic: the same size gives the same bytes (fixed seed, fixed dates), so both
/// parsers and every run see identical input. Written through <see cref="X12Writer"/>, so the envelopes are valid.
/// </summary>
internal static class PurchaseOrderFileGenerator
{
    public const string SenderId = "BENCHBUYER";
    public const string ReceiverId = "ORDEROPS";

    private static readonly string[] Products = ["SMALL WIDGET", "MEDIUM WIDGET", "LARGE WIDGET", "NANO WIDGET", "BLUE WIDGET", "ORANGE WIDGET", "GEAR SET", "SPROCKET"];
    private static readonly string[] Cities = [
        "SOLON*OH*44139", "SAN DIEGO*CA*92121", "FORT WAYNE*IN*46825", "ATLANTA*GA*31139", "DALLAS*TX*75231", "SEATTLE*WA*98101",
    ];

    public static long Generate(string path, long targetBytes)
    {
        var created = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var writer = new X12Writer(file, X12Separators.Default, lineBreakAfterSegment: true);
        writer.BeginInterchange(new X12InterchangeEnvelope
        {
            SenderQualifier = "ZZ",
            SenderId = SenderId,
            ReceiverQualifier = "ZZ",
            ReceiverId = ReceiverId,
            CreatedAt = created,
            ControlNumber = 1,
        });
        writer.BeginGroup("PO", SenderId, ReceiverId, created, 1, "004010");
        var random = new XorShift(20261123);
        var orders = 0;
        while (true)
        {
            file.Flush();
            if (file.BaseStream.Length >= targetBytes)
            {
                break;
            }

            WriteOrder(writer, ++orders, random);
        }

        writer.EndGroup();
        writer.EndInterchange();
        file.Flush();
        return orders;
    }

    private static void WriteOrder(X12Writer writer, int number, XorShift random)
    {
        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        static string D(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        writer.BeginTransactionSet("850");
        writer.WriteSegment("BEG", "00", "SA", "PO" + N(10_000_000 + number), null, "20261120", "CT" + N(number % 977));
        writer.WriteSegment("CUR", "BY", "USD");
        writer.WriteSegment("REF", "DP", N(random.Next(100, 999)));
        writer.WriteSegment("REF", "IA", "V" + N(random.Next(1000, 9999)));
        writer.WriteSegment("PER", "BD", "BUYER " + N(number % 50), "TE", "555-01" + N(random.Next(10, 99)), "EM", "buyer" + N(number % 50) + "@example.com");
        writer.WriteSegment("ITD", "14", "3", "2", null, "45", null, "46");
        writer.WriteSegment("DTM", "002", "20261214");
        writer.WriteSegment("DTM", "038", "20261210");
        writer.WriteSegment("TD5", "A", "92", "P3", null, "SEE ROUTING GUIDE");
        var city = Cities[random.Next(0, Cities.Length)].Split('*');
        writer.WriteSegment("N1", "ST", "STORE " + N(random.Next(1, 900)), "92", N(random.Next(1000, 9999)));
        writer.WriteSegment("N3", N(random.Next(1, 99999)) + " MAIN RD");
        writer.WriteSegment("N4", city[0], city[1], city[2], "US");
        writer.WriteSegment("N1", "BT", "ACCOUNTS PAYABLE", "92", "AP01");
        writer.WriteSegment("N3", "PO BOX " + N(random.Next(100, 9999)));
        writer.WriteSegment("N4", "ATLANTA", "GA", "31139", "US");
        var lines = random.Next(1, 9);
        var quantities = 0L;
        var total = 0m;
        for (var line = 1; line <= lines; line++)
        {
            var quantity = random.Next(1, 700);
            var price = random.Next(100, 5000) / 100m;
            quantities += quantity;
            total += quantity * price;
            writer.WriteSegment("PO1", N(line), N(quantity), "EA", D(price), "PE", "BP", "B" + N(random.Next(100000, 999999)), "VN", "SKU-" + N(random.Next(1000, 9999)), "UP", "0" + N(random.Next(10000000, 99999999)) + "017");
            writer.WriteSegment("PID", "F", null, null, null, Products[random.Next(0, Products.Length)]);
            writer.WriteSegment("PO4", N(random.Next(1, 12)), N(random.Next(1, 6)), "EA");
        }

        writer.WriteSegment("CTT", N(lines), N(quantities));
        writer.WriteSegment("AMT", "TT", D(total));
        writer.EndTransactionSet();
    }

    /// <summary>A fixed pseudo-random sequence (xorshift64*), independent of the runtime's Random implementation.</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int minInclusive, int maxExclusive)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            var value = _state * 2685821657736338717UL;
            return minInclusive + (int)(value % (ulong)(maxExclusive - minInclusive));
        }
    }
}
