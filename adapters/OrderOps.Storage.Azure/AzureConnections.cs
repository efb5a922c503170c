using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Azure.Storage.Queues;

namespace OrderOps.Storage.Azure;

/// <summary>
/// Builds the Azure clients from configuration named after the Azure Functions connection conventions, so the app and
/// the Functions host's bindings read the same app settings:
/// <list type="bullet">
/// <item><c>CosmosDbConnection</c> (a connection string) or <c>CosmosDbConnection__accountEndpoint</c> (identity)</item>
/// <item><c>StorageConnection</c> (a connection string) or <c>StorageConnection__blobServiceUri</c>,
/// <c>StorageConnection__tableServiceUri</c> and <c>StorageConnection__queueServiceUri</c> (identity)</item>
/// </list>
/// Identity means <see cref="DefaultAzureCredential"/>: the Function app's managed identity in Azure (its client id in
/// <c>AZURE_CLIENT_ID</c> for a user-assigned one), the developer's az/azd login locally.
/// </summary>
public static class AzureConnections
{
    public const string Cosmos = "CosmosDbConnection";
    public const string Storage = "StorageConnection";

    public static CosmosClient CreateCosmosClient(IConfiguration configuration, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(credential);
        var options = CosmosOptions(IsTrue(configuration["CosmosDb:Emulator"]));
        if (configuration[Cosmos] is { Length: > 0 } connectionString)
        {
            return new CosmosClient(connectionString, options);
        }

        if (configuration[$"{Cosmos}:accountEndpoint"] is { Length: > 0 } endpoint)
        {
            return new CosmosClient(endpoint, credential(), options);
        }

        throw Missing(Cosmos, "accountEndpoint");
    }

    /// <summary>
    /// Client options. For an emulator (cosmosdb-server, or the Cosmos DB emulator) the SDK must stay on the gateway
    /// endpoint it was given (Gateway mode, <c>LimitToEndpoint</c>) and accept the emulator's self-signed certificate.
    /// </summary>
    public static CosmosClientOptions CosmosOptions(bool emulator)
    {
        var options = new CosmosClientOptions { ApplicationName = "OrderOps", ConnectionMode = ConnectionMode.Gateway };
        if (emulator)
        {
            options.LimitToEndpoint = true;
            options.HttpClientFactory = () => new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            });
        }

        return options;
    }

    public static TableServiceClient CreateTableServiceClient(IConfiguration configuration, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(credential);
        if (configuration[Storage] is { Length: > 0 } connectionString)
        {
            return new TableServiceClient(connectionString);
        }

        return configuration[$"{Storage}:tableServiceUri"] is { Length: > 0 } uri
            ? new TableServiceClient(new Uri(uri), credential())
            : throw Missing(Storage, "tableServiceUri");
    }

    public static BlobServiceClient CreateBlobServiceClient(IConfiguration configuration, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(credential);
        if (configuration[Storage] is { Length: > 0 } connectionString)
        {
            return new BlobServiceClient(connectionString);
        }

        return configuration[$"{Storage}:blobServiceUri"] is { Length: > 0 } uri
            ? new BlobServiceClient(new Uri(uri), credential())
            : throw Missing(Storage, "blobServiceUri");
    }

    /// <summary>
    /// The queue service of the <c>StorageConnection</c> account, sending and receiving bodies as plain text
    /// (<see cref="QueueMessageEncoding.None"/>), which is what host.json's <c>extensions.queues.messageEncoding: "none"</c>
    /// makes the Functions host's queue trigger read.
    /// </summary>
    public static QueueServiceClient CreateQueueServiceClient(IConfiguration configuration, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(credential);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (configuration[Storage] is { Length: > 0 } connectionString)
        {
            return new QueueServiceClient(connectionString, options);
        }

        return configuration[$"{Storage}:queueServiceUri"] is { Length: > 0 } uri
            ? new QueueServiceClient(new Uri(uri), credential(), options)
            : throw Missing(Storage, "queueServiceUri");
    }

    internal static bool IsTrue(string? value) => bool.TryParse(value, out var flag) && flag;

    private static InvalidOperationException Missing(string connection, string suffix) =>
        new($"Storage:Backend is Azure but neither '{connection}' (a connection string) nor '{connection}__{suffix}' (managed identity) is configured.");
}
