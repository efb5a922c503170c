namespace OrderOps.Core.Ports;

/// <summary>
/// Documents we leave for partners to collect (the EDI outbox): a blob container on Azure, a folder under the data
/// directory (<c>blobs/{container}/{name}</c>) in the embedded backend. Writing the same name again replaces it.
/// </summary>
public interface IOutboundDocuments
{
    Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken);
}
