using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Archive;

/// <summary>
/// Documents left for partners to collect, as blobs: <c>{container}/{name}</c>, replaced when written again.
/// <see cref="CreateIfAbsentAsync"/> uploads with <c>If-None-Match: *</c>, so the service itself refuses (409) a
/// second copy of a name, whoever wrote the first.
/// </summary>
public sealed class BlobOutboundDocuments(BlobServiceClient blobs) : IOutboundDocuments
{
    public Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken) =>
        UploadAsync(container, name, content, conditions: null, cancellationToken);

    public async Task<bool> CreateIfAbsentAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        try
        {
            await UploadAsync(container, name, content, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<string?> ReadAsync(string container, string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return download.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task UploadAsync(string container, string name, string content, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        var blob = blobs.GetBlobContainerClient(container).GetBlobClient(name);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/edi-x12" }, Conditions = conditions };
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
