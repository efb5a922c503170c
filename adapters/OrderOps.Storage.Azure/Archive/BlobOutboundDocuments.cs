using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Archive;

/// <summary>Documents left for partners to collect, as blobs: <c>{container}/{name}</c>, replaced when written again.</summary>
public sealed class BlobOutboundDocuments(BlobServiceClient blobs) : IOutboundDocuments
{
    public async Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        var blob = blobs.GetBlobContainerClient(container).GetBlobClient(name);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/edi-x12" } };
        var data = new BinaryData(Encoding.UTF8.GetBytes(content));
        try
        {
            await blob.UploadAsync(data, options, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // infra/ declares the containers in Azure; local and emulator runs create them on first use.
            await blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(data, options, cancellationToken);
        }
    }
}
