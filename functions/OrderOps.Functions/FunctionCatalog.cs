using OrderOps.Core.Ports;
using OrderOps.Functions.Amazon;
using OrderOps.Functions.Edi;
using OrderOps.Functions.Ingest;
using OrderOps.Functions.Inventory;
using OrderOps.Functions.Operations;
using OrderOps.Functions.Orders;
using OrderOps.Functions.Webhooks;
using OrderOps.Hosting.Registry;

namespace OrderOps.Functions;

/// <summary>
/// Every function of the app, declared once. This list is what standalone mode serves and pumps, what the
/// custom-handler envelope answers, and what publishing writes into function.json files.
/// </summary>
public static class FunctionCatalog
{
    public static FunctionRegistry Create() => new FunctionRegistry()
        .AddHttp("Health", "healthz", "GET", HttpAuthLevel.Anonymous, HealthEndpoint.Handle)
        .AddHttp("ShopifyWebhook", "api/webhooks/shopify", "POST", HttpAuthLevel.Anonymous, ShopifyWebhookEndpoint.HandleAsync)
        .AddHttp("GetOrder", "api/orders/{orderId}", "GET", HttpAuthLevel.Function, OrderEndpoints.GetAsync)
        .AddHttp("ListOrders", "api/orders", "GET", HttpAuthLevel.Function, OrderEndpoints.ListAsync)
        .AddHttp("ListIngestFailures", "api/ingest/failures", "GET", HttpAuthLevel.Function, IngestFailureEndpoints.ListAsync)
        .AddHttp("ListDeadLetters", "api/queues/{queueName}/deadletters", "GET", HttpAuthLevel.Function, DeadLetterEndpoints.ListAsync)
        .AddHttp("EdiX12", "api/edi/x12", "POST", HttpAuthLevel.Function, EdiX12Endpoint.HandleAsync)
        .AddBlob<EdiInboxFunction>("EdiInbox", new BlobTrigger(EdiInboxFunction.Container + "/{name}"), new BlobOutput(EdiInboxFunction.AcknowledgmentOutput, EdiInboxFunction.Outbox))
        .AddTimer<SendInventoryAdviceFunction>("SendInventoryAdvice", new TimerTrigger("0 0 * * * *", "Channels:Edi:InventoryAdviceSchedule"))
        .AddQueue<IngestOrderFunction>("IngestOrder", new QueueTrigger(QueueNames.Ingest))
        .AddTimer<AmazonOrderPollFunction>("AmazonOrderPoll", new TimerTrigger("0 */5 * * * *", "Channels:Amazon:PollSchedule"))
        .AddTimer<PurgeIdempotencyKeysFunction>("PurgeIdempotencyKeys", new TimerTrigger("0 17 3 * * *"))
        .AddHttp("PostInventoryMovement", "api/inventory/movements", "POST", HttpAuthLevel.Function, InventoryEndpoints.PostMovementAsync)
        .AddHttp("GetInventory", "api/inventory/{sku}", "GET", HttpAuthLevel.Function, InventoryEndpoints.GetAsync)
        .AddChangeFeed<InventoryFanOutFunction>("InventoryFanOut", new ChangeFeedTrigger(InventoryChangeFeedPump.ContainerName))
        .AddTimer<DispatchInventoryPushesFunction>("DispatchInventoryPushes", new TimerTrigger("* * * * * *", "Inventory:FanOut:DispatchSchedule"))
        .AddTimer<ReconcileInventoryFunction>("ReconcileInventory", new TimerTrigger("0 */15 * * * *", "Inventory:FanOut:ReconcileSchedule"));
}
