using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Feeds a blob-triggered function from its container folder (<c>{DataDirectory}/blobs/{container}</c>): each file is
/// passed as text with its <c>name</c>, one at a time, oldest first. A processed file moves to
/// <c>{container}-processed/</c>; one that fails <see cref="StandaloneOptions.MaxBlobAttempts"/> times moves to
/// <c>{container}-poison/</c> with the last error beside it, as Azure's blob trigger poisons after five tries.
/// Files whose names start with '.' or end with '.tmp' are still being written and are left alone: write, then rename.
/// </summary>
public sealed class BlobFolderPump(FunctionInvoker invoker, OutputDispatcher outputs, TimeProvider time, IOptions<StandaloneOptions> options, ILogger<BlobFolderPump> logger)
    : IStandaloneTriggerPump
{
    public bool CanPump(FunctionDefinition function) => function.Trigger is BlobTrigger;

    public async Task RunAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var settings = options.Value;
        var container = BlobFolders.Container(((BlobTrigger)function.Trigger).Path);
        var folder = Path.Combine(BlobFolders.Root(settings), container);
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
                var succeeded = await InvokeAsync(function, file, cancellationToken);
                if (succeeded)
                {
                    attempts.Remove(file.Name);
                    Move(file, Path.Combine(BlobFolders.Root(settings), container + "-processed"), null);
                }
                else if ((attempts[file.Name] = attempts.GetValueOrDefault(file.Name) + 1) >= settings.MaxBlobAttempts)
                {
                    attempts.Remove(file.Name);
                    logger.LogError("Blob {Name} in {Container} failed {Attempts} times; moved to {Container}-poison.", file.Name, container, settings.MaxBlobAttempts, container);
                    Move(file, Path.Combine(BlobFolders.Root(settings), container + "-poison"), "failed " + settings.MaxBlobAttempts + " times");
                }
            }

            await Task.Delay(settings.BlobPollInterval, time, cancellationToken);
        }
    }

    private async Task<bool> InvokeAsync(FunctionDefinition function, FileInfo file, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (IOException)
        {
            return false; // still being written or gone; try again next round
        }

        var data = new Dictionary<string, JsonElement> { [function.Trigger.BindingName] = JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(content)) };
        var metadata = new Dictionary<string, JsonElement>
        {
            ["name"] = JsonSerializer.SerializeToElement(file.Name),
            ["Uri"] = JsonSerializer.SerializeToElement(new Uri(file.FullName).AbsoluteUri),
            ["sys"] = JsonSerializer.SerializeToElement(new { MethodName = function.Name, UtcNow = time.GetUtcNow(), RandGuid = Guid.NewGuid() }),
        };
        var outcome = await invoker.InvokeAsync(function, data, metadata, cancellationToken);
        if (!outcome.Succeeded)
        {
            return false;
        }

        await outputs.DispatchAsync(function, outcome.Context, outcome.Result!, cancellationToken);
        return true;
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
}
