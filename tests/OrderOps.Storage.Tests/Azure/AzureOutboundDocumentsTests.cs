using Azure.Storage.Blobs;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Archive;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>The outbox contract on Blob storage (Azurite under ./test.sh), in a container of its own deleted afterwards.</summary>
[NeedsAzureServices]
public sealed class AzureOutboundDocumentsTests : OutboundDocumentsContract
{
    protected override Task<(IOutboundDocuments Documents, Func<Task> Cleanup)> CreateAsync()
    {
        var connection = AzureTestEnvironment.StorageConnectionString
            ?? throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {AzureTestEnvironment.Missing}.");
        var blobs = new BlobServiceClient(connection);
        return Task.FromResult<(IOutboundDocuments, Func<Task>)>((new BlobOutboundDocuments(blobs), async () =>
            await blobs.GetBlobContainerClient(Container).DeleteIfExistsAsync()));
    }
}
