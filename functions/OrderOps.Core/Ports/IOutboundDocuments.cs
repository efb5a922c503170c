namespace OrderOps.Core.Ports;

/// <summary>
/// Documents we leave for partners to collect (the EDI outbox): a blob container on Azure, a folder under the data
/// directory (<c>blobs/{container}/{name}</c>) in the embedded backend. Names may contain '/' (a partner's folder).
/// </summary>
public interface IOutboundDocuments
{
    /// <summary>Writes the document; writing the same name again replaces it.</summary>
    Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the document only if none of that name exists, atomically: of two concurrent calls exactly one writes.
    /// True when written; false when a document of that name was already there (it is left as it was). For documents
    /// a repeated call must not change once a partner may have collected them (EDI 855/856).
    /// </summary>
    Task<bool> CreateIfAbsentAsync(string container, string name, string content, CancellationToken cancellationToken);

    /// <summary>The document's content, or null when there is none of that name (or no such container yet).</summary>
    Task<string?> ReadAsync(string container, string name, CancellationToken cancellationToken);
}
