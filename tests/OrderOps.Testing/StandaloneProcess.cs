using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace OrderOps.Testing;

/// <summary>
/// The real Function app in standalone mode as a child process (<c>dotnet OrderOps.Functions.dll</c>) on a free loopback
/// port, configured through environment variables exactly as a user would. <see cref="Kill"/> is SIGKILL: no
/// graceful shutdown, nothing flushed — the crash the lossless guarantee is about.
/// </summary>
public sealed partial class StandaloneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private StandaloneProcess(Process process)
    {
        _process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>CPU time the app process has used so far (user + system), for cost-per-request numbers.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The app's resident memory now (VmRSS, Linux), in bytes.</summary>
    public long ResidentBytes => ProcStatus("VmRSS:");

    /// <summary>The most resident memory the app has had since it started (VmHWM, the kernel's high-water mark), in bytes.</summary>
    public long PeakResidentBytes => ProcStatus("VmHWM:");

    /// <summary>
    /// Starts a new high-water mark (writes 5 to /proc/PID/clear_refs), so <see cref="PeakResidentBytes"/> then measures one
    /// phase of a run, not everything since start.
    /// </summary>
    public void ResetPeakResident() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    /// <summary>From process start to the first 200 from /healthz.</summary>
    public TimeSpan TimeToReady { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <param name="workingDirectory">Where the process starts; the app's own folder unless given (it must not matter).</param>
    public static async Task<StandaloneProcess> StartAsync(
        IReadOnlyDictionary<string, string> settings,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepositoryPaths.FunctionAppDll, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(RepositoryPaths.FunctionAppDll)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        // Standalone mode writes its telemetry to standard output by default; tests and load drivers read that output
        // and measure the app, so they turn it off (a test may still turn it on through its settings).
        info.Environment["OrderOps__Telemetry__Console"] = "false";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.StartNew();
        var process = new StandaloneProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
        process.Pump(process._process.StandardOutput);
        process.Pump(process._process.StandardError);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
            process.BaseAddress = await process._listening.Task.WaitAsync(deadline.Token);
            using var http = new HttpClient { BaseAddress = process.BaseAddress };
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(5, deadline.Token);
            }

            process.TimeToReady = started.Elapsed;
            return process;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException("The standalone host did not become ready. Output:" + Environment.NewLine + process.Output);
        }
    }

    private long ProcStatus(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", apiKey);
        }

        return client;
    }

    /// <summary>Kills the process tree at once (SIGKILL) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    private void Pump(StreamReader reader) => _ = Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.Add(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
    });
}
