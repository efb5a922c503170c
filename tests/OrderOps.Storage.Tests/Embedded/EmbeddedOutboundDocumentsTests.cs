using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Files;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Embedded;

public sealed class EmbeddedOutboundDocumentsTests : OutboundDocumentsContract
{
    protected override Task<(IOutboundDocuments Documents, Func<Task> Cleanup)> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orderops-outbox-tests", Guid.NewGuid().ToString("N"));
        var documents = new FolderOutboundDocuments(new EmbeddedStorageOptions { DataDirectory = directory });
        return Task.FromResult<(IOutboundDocuments, Func<Task>)>((documents, () =>
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            return Task.CompletedTask;
        }));
    }
}
