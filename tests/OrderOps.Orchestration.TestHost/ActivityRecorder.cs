using System.Collections.Concurrent;

namespace OrderOps.Orchestration.TestHost;

/// <summary>
/// Counts activity runs (their side effects), so tests can tell at-least-once from exactly-once. With a file, every
/// run is also appended to it as a line ("begin key" / "end key"), which survives the process being killed.
/// </summary>
public sealed class ActivityRecorder(string? file = null)
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _fileLock = new();

    public int Ends(string key) => _counts.GetValueOrDefault(key);

    public int Begins(string key) => _counts.GetValueOrDefault("begin:" + key);

    public void Begin(string key)
    {
        _counts.AddOrUpdate("begin:" + key, 1, (_, n) => n + 1);
        Append($"begin {key}");
    }

    public void End(string key)
    {
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        Append($"end {key}");
    }

    /// <summary>Adds one to the key's count and returns the new count (for activities that fail the first times).</summary>
    public int Attempts(string key) => _counts.GetValueOrDefault("attempt:" + key);

    public int Attempt(string key) => _counts.AddOrUpdate("attempt:" + key, 1, (_, n) => n + 1);

    private void Append(string line)
    {
        if (file is null)
        {
            return;
        }

        lock (_fileLock)
        {
            // Flushed per line: a SIGKILL must not lose a run that happened.
            File.AppendAllText(file, line + "\n");
        }
    }
}
