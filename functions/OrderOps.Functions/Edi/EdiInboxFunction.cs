using System.Text;
using OrderOps.Adapters.EdiX12.Intake;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Functions.Edi;

/// <summary>
/// Blob-triggered: an X12 file dropped into the EDI inbox (container <c>edi-inbox</c>; standalone:
/// <c>{DataDirectory}/blobs/edi-inbox/</c>). Same intake as the HTTP way in; the acknowledgments are written to
/// <c>edi-outbox/{name}.997</c> for the partner to collect.
/// </summary>
public sealed class EdiInboxFunction(EdiIntake intake) : IFunctionHandler
{
    public const string Container = "edi-inbox";
    public const string Outbox = "edi-outbox/{name}.997";
    public const string AcknowledgmentOutput = "acknowledgment";

    public async Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await intake.ReceiveAsync(Encoding.UTF8.GetBytes(context.TriggerText), "inbox", cancellationToken);
        context.Log($"Archived as {result.ArchiveId}; {result.Processing?.Orders.Count ?? 0} orders queued.");
        return result.Acknowledgments.Length == 0 ? FunctionResult.Empty : FunctionResult.Empty.WithOutput(AcknowledgmentOutput, result.Acknowledgments);
    }
}
