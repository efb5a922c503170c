using System.Diagnostics;
using System.Globalization;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Parsing;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Benchmarks.EdiX12;

// Usage:
//   generate <file> [megabytes=55]   write the deterministic 850 file
//   process  <file>                  stream it through EdiInterchangeProcessor (parse + envelopes + 850 mapping + 997)
//   validate <file>                  X12Reader + EnvelopeValidator (what node-x12's strict parse does)
//   read     <file>                  stream it through X12Reader only (lexing)
// Prints one JSON line with MB/s, allocated bytes and peak working set, for run.sh.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: generate <file> [megabytes] | process <file> | validate <file> | read <file>");
    return 2;
}

var command = args[0];
var path = args[1];
if (command == "generate")
{
    var megabytes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 55;
    var orders = PurchaseOrderFileGenerator.Generate(path, megabytes * 1024L * 1024L);
    Console.WriteLine(FormattableString.Invariant($"{{\"generated\":\"{path}\",\"bytes\":{new FileInfo(path).Length},\"orders\":{orders}}}"));
    return 0;
}

var options = new EdiOptions
{
    InterchangeReceiverQualifier = "ZZ",
    InterchangeReceiverId = PurchaseOrderFileGenerator.ReceiverId,
    Partners = new(StringComparer.Ordinal)
    {
        ["bench-buyer"] = new EdiPartnerOptions { InterchangeSenderQualifier = "ZZ", InterchangeSenderId = PurchaseOrderFileGenerator.SenderId },
    },
};

var bytes = new FileInfo(path).Length;
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var stopwatch = Stopwatch.StartNew();
long segments = 0, orderCount = 0, lineCount = 0;
long acknowledgmentChars = 0;
string? acknowledgmentSummary = null;
// The reader does the buffering (1 MB here: fewer asynchronous reads, each of which hops threads); FileStream's own
// buffer is switched off (bufferSize 0) so bytes are not copied twice.
var readerOptions = new X12ReaderOptions { BufferSize = 1 << 20 };
await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
{
    if (command == "validate")
    {
        using var reader = new X12Reader(stream, readerOptions);
        var handler = new CountingEnvelopeHandler();
        var validator = new OrderOps.Adapters.EdiX12.Envelopes.EnvelopeValidator(handler);
        while (await reader.ReadAsync())
        {
            segments++;
            validator.Accept(reader.Current);
        }

        validator.Complete();
        acknowledgmentSummary = FormattableString.Invariant($"sets accepted {handler.AcceptedSets}, rejected {handler.RejectedSets}");
    }
    else if (command == "read")
    {
        using var reader = new X12Reader(stream, readerOptions);
        while (await reader.ReadAsync())
        {
            segments++;
        }
    }
    else
    {
        var processor = new EdiInterchangeProcessor(options, readerOptions: readerOptions);
        var result = await processor.ProcessAsync(
            stream,
            (order, _) =>
            {
                orderCount++;
                lineCount += order.LineItems.Count;
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        var interchange = result.Interchanges.Single();
        acknowledgmentChars = interchange.Acknowledgment?.Length ?? 0;
        var group = interchange.Groups.Single();
        acknowledgmentSummary = FormattableString.Invariant($"AK9 {group.Acknowledgment} {group.IncludedCount}/{group.ReceivedCount}/{group.AcceptedCount}, sets with errors {interchange.SetsWithErrors.Count}");
    }
}

stopwatch.Stop();
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

// CPU time as well as wall time: the benchmark machine is shared, and CPU seconds are less disturbed by neighbours.
var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var peak = Process.GetCurrentProcess().PeakWorkingSet64;
var seconds = stopwatch.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant(
    $"{{\"parser\":\"OrderOps {command}\",\"bytes\":{bytes},\"seconds\":{seconds:0.000},\"mbPerSecond\":{bytes / 1048576.0 / seconds:0.0},\"cpuSeconds\":{cpuSeconds:0.000},\"mbPerCpuSecond\":{bytes / 1048576.0 / cpuSeconds:0.0},\"allocatedBytes\":{allocated},\"gcs\":\"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}\",\"gcPauseSeconds\":{GC.GetTotalPauseDuration().TotalSeconds:0.000},\"peakWorkingSetBytes\":{peak},\"segments\":{segments},\"orders\":{orderCount},\"lines\":{lineCount},\"acknowledgmentChars\":{acknowledgmentChars},\"acknowledgment\":\"{acknowledgmentSummary}\"}}"));
return 0;
