using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Feeds a blob-triggered function from its container's folder (<c>{DataDirectory}/blobs/{container}</c>): each file is
/// passed as a read-only stream with its name, one at a time, oldest first. A processed file moves to
/// <c>{container}-processed/</c>; one that fails <see cref="StandaloneOptions.MaxBlobAttempts"/> times moves to
/// <c>{container}-poison/</c> with the last error beside it, as Azure's blob trigger poisons after five tries, so one
/// bad file never holds up the next. Files whose names start with '.' or end with '.tmp' are still being written and
/// are left alone: write, then rename.
/// </summary>
public sealed partial class BlobFolderPump(FunctionInvoker invoker, TimeProvider time, IOptions<StandaloneOptions> options, ILogger<BlobFolderPump> logger)
    : IStandaloneTriggerPump
{
    public TriggerKind Kind => TriggerKind.Blob;

    /// <summary>The folder standing in for a blob container.</summary>
    public static string ContainerFolder(StandaloneOptions options, string container)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(options.DataDirectory, "blobs", container);
    }

    public async Task RunAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var settings = options.Value;
        var path = BlobPath.Parse(((BlobTriggerAttribute)function.Trigger).BlobPath);
        var folder = ContainerFolder(settings, path.Container);
        Directory.CreateDirectory(folder);
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var files = new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.LastWriteTimeUtc)
                .ToList();
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var error = await InvokeAsync(function, path, file, cancellationToken);
                if (error is null)
                {
                    attempts.Remove(file.Name);
                    Move(file, ContainerFolder(settings, path.Container + "-processed"), null);
                }
                else if ((attempts[file.Name] = attempts.GetValueOrDefault(file.Name) + 1) >= settings.MaxBlobAttempts)
                {
                    attempts.Remove(file.Name);
                    LogPoisoned(file.Name, path.Container, settings.MaxBlobAttempts);
                    Move(file, ContainerFolder(settings, path.Container + "-poison"), $"failed {settings.MaxBlobAttempts} times; last error: {error}");
                }
            }

            await Task.Delay(settings.BlobPollInterval, time, cancellationToken);
        }
    }

    /// <returns>Null on success, else the error to keep.</returns>
    private async Task<string?> InvokeAsync(FunctionDescriptor function, BlobPath path, FileInfo file, CancellationToken cancellationToken)
    {
        FileStream content;
        try
        {
            content = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (IOException ex)
        {
            return ex.Message; // still being written, or gone
        }

        await using (content)
        {
            try
            {
                await invoker.InvokeAsync(function, content, new Dictionary<string, string?> { [path.Token] = file.Name }, services: null, cancellationToken);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return $"{ex.GetType().Name}: {ex.Message}";
            }
        }
    }

    private void Move(FileInfo file, string folder, string? error)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{time.GetUtcNow():yyyyMMddTHHmmssfff}-{file.Name}");
        file.MoveTo(target);
        if (error is not null)
        {
            File.WriteAllText(target + ".error.txt", error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob {Name} in {Container} failed {Attempts} times; moved to the poison folder.")]
    private partial void LogPoisoned(string name, string container, int attempts);
}
