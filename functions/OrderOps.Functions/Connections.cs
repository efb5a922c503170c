namespace OrderOps.Functions;

/// <summary>
/// The connection names the triggers use. On Azure each is an app-setting prefix: a connection string, or
/// <c>{Name}__queueServiceUri</c> / <c>{Name}__blobServiceUri</c> for the app's managed identity.
/// </summary>
public static class Connections
{
    /// <summary>The backend's Storage account: the ingest, lifecycle and inventory-changes queues and the edi-inbox container.</summary>
    public const string Storage = "StorageConnection";
}
