using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Files;

/// <summary>Outbound documents as files under <c>{DataDirectory}/blobs/{container}/{name}</c>, written then renamed so a reader never sees half a file.</summary>
public sealed class FolderOutboundDocuments(EmbeddedStorageOptions options) : IOutboundDocuments
{
    public async Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var root = Path.GetFullPath(Path.Combine(options.DataDirectory, "blobs", container));
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' leaves its container.", nameof(name));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
