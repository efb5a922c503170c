using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Files;

/// <summary>
/// Outbound documents as files under <c>{DataDirectory}/blobs/{container}/{name}</c>, written to a temporary file then
/// moved into place so a reader never sees half a file. <see cref="CreateIfAbsentAsync"/> moves without overwriting,
/// which the file system refuses atomically when the name exists.
/// </summary>
public sealed class FolderOutboundDocuments(EmbeddedStorageOptions options) : IOutboundDocuments
{
    public async Task WriteAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        var path = PathOf(container, name);
        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<bool> CreateIfAbsentAsync(string container, string name, string content, CancellationToken cancellationToken)
    {
        var path = PathOf(container, name);
        if (File.Exists(path))
        {
            return false;
        }

        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer got there first between the check and the move: theirs stays.
            File.Delete(temporary);
            return false;
        }
    }

    public async Task<string?> ReadAsync(string container, string name, CancellationToken cancellationToken)
    {
        var path = PathOf(container, name);
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(string container, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var root = Path.GetFullPath(Path.Combine(options.DataDirectory, "blobs", container));
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' leaves its container.", nameof(name));
        }

        return path;
    }

    private static async Task<string> WriteTemporaryAsync(string path, string content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Unique per call, so two concurrent writers of one name never share a temporary file.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        return temporary;
    }
}
