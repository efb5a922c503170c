using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.InventoryAdvice;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Core.Inventory;
using OrderOps.Core.Operations;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Edi;

/// <summary>
/// Timer-triggered (<c>Channels:Edi:InventoryAdviceSchedule</c>, hourly by default): writes an 846 inventory advice
/// with every SKU's available-to-sell for the <c>edi</c> inventory channel to <c>edi-outbox/{partner}/846-{ISA13}.x12</c>
/// for each partner with <c>InventoryAdvice: true</c>. The EDI channel is a scheduled snapshot, not a push: partners
/// collect files, so there is nothing to call.
/// </summary>
public sealed partial class SendInventoryAdviceFunction(
    EdiOptions edi,
    InventoryOptions inventory,
    InventoryService stock,
    PersistentControlNumbers controlNumbers,
    IOutboundDocuments outbox,
    TimeProvider time,
    ILogger<SendInventoryAdviceFunction> logger,
    ChannelActivityLog activity)
{
    public const string Container = "edi-outbox";

    [Function("SendInventoryAdvice")]
    public async Task RunAsync([TimerTrigger("%Channels:Edi:InventoryAdviceSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var partners = edi.Partners.Where(p => p.Value.InventoryAdvice).ToList();
        if (partners.Count == 0)
        {
            return;
        }

        if (!inventory.Channels.ContainsKey(Channels.Edi))
        {
            throw new InvalidOperationException("Partners want an 846 but Inventory:Channels has no 'edi' channel saying which locations they buy from.");
        }

        var quantities = new List<AvailableToSell>();
        await foreach (var quantity in stock.AvailableToSellAsync(Channels.Edi, cancellationToken))
        {
            quantities.Add(quantity);
        }

        foreach (var (partnerId, partner) in partners)
        {
            try
            {
                var controlNumber = await controlNumbers.NextForAsync(partner.InterchangeSenderQualifier, partner.InterchangeSenderId, cancellationToken);
                var document = InventoryAdviceWriter.Write(edi, partnerId, controlNumber, time.GetUtcNow(), quantities);
                await outbox.WriteAsync(Container, $"{partnerId}/846-{controlNumber:D9}.x12", document, cancellationToken);
                LogSent(partnerId, quantities.Count, controlNumber);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Recorded for the Channels page, then thrown as before: the timer run fails and the next one writes again.
                await RecordAsync(partnerId, null, new ChannelFailure(time.GetUtcNow(), $"{ex.GetType().Name}: {ex.Message}"), cancellationToken);
                throw;
            }

            await RecordAsync(partnerId, time.GetUtcNow(), null, cancellationToken);
        }

    }

    /// <summary>The Channels page's last success / failure of the partner's 846; never fails the run itself.</summary>
    private async Task RecordAsync(string partnerId, DateTimeOffset? succeededAt, ChannelFailure? failure, CancellationToken cancellationToken)
    {
        try
        {
            await activity.RecordAsync(ChannelActivityLog.PushAccount(ActivityAccount(partnerId)), succeededAt, failure, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogActivityNotRecorded(ex, partnerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the 846 outcome of {PartnerId} for the Channels page.")]
    private partial void LogActivityNotRecorded(Exception exception, string partnerId);

    /// <summary>The account name of a partner's 846 in the <see cref="ChannelActivityLog"/>.</summary>
    public static string ActivityAccount(string partnerId) => "edi:" + partnerId;

    [LoggerMessage(Level = LogLevel.Information, Message = "846 for {PartnerId}: {Skus} SKUs, ISA13 {ControlNumber}.")]
    private partial void LogSent(string partnerId, int skus, int controlNumber);
}
