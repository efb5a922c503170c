using OrderOps.Adapters.EdiX12.Intake;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Edi;

/// <summary>
/// Blob-triggered: an X12 file dropped into the EDI inbox (container <c>edi-inbox</c>, fed by Event Grid on Flex
/// Consumption; standalone: <c>{DataDirectory}/blobs/edi-inbox/</c>). Same intake as the HTTP way in; the
/// acknowledgments are written to <c>edi-outbox/{name}.997</c> for the partner to collect.
/// </summary>
public sealed partial class EdiInboxFunction(EdiIntake intake, IOutboundDocuments outbox, ILogger<EdiInboxFunction> logger)
{
    public const string Container = "edi-inbox";
    public const string Outbox = "edi-outbox";

    [Function("EdiInbox")]
    public async Task RunAsync(
        [BlobTrigger(Container + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = Connections.Storage)] Stream blob,
        string name,
        CancellationToken cancellationToken)
    {
        // Streamed end to end (digest, X12 pass, archive copy): a file of any size costs buffers, not its size.
        var result = await intake.ReceiveAsync(blob, "inbox", cancellationToken);
        if (result.NotConfigured)
        {
            // Archived and listed; failing keeps the file in the inbox (and, after the retries, beside its reason) until partners are configured.
            throw new InvalidOperationException($"The EDI channel is not configured; inbox file {name} is archived as {result.ArchiveId}.");
        }

        if (result.Acknowledgments.Length > 0)
        {
            await outbox.WriteAsync(Outbox, name + ".997", result.Acknowledgments, cancellationToken);
        }

        LogReceived(name, result.ArchiveId, result.OrderCount);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EDI inbox file {Name} archived as {ArchiveId}; {Orders} orders queued.")]
    private partial void LogReceived(string name, string archiveId, int orders);
}
