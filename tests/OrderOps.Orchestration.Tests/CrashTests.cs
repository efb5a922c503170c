using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Durable;
using OrderOps.Orchestration.TestHost;
using OrderOps.Storage.Embedded.Orchestrations;

namespace OrderOps.Orchestration.Tests;

/// <summary>
/// The real test host process runs sagas on a data folder and is killed with SIGKILL while they wait on durable
/// timers and on a running activity; started again on the same folder, every saga completes with exactly the output
/// it would have had. Activities may run again (at least once); orchestration progress is exactly once.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int LeaseSeconds = 3;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sagas_killed_mid_timer_and_mid_activity_complete_exactly_after_a_restart_on_the_same_data()
    {
        var data = Path.Combine(_directory, "data");
        var effects = Path.Combine(_directory, "effects.log");
        using var store = new SqliteOrchestrationService(new SqliteOrchestrationOptions { DataDirectory = data }, NullLoggerFactory.Instance);
        await using var client = new OrchestrationServiceDurableTaskClient(store, _ => true);
        var sagas = Enumerable.Range(0, 6).Select(i => new CrashInput($"fast-{i}", TimerSeconds: 3 + (i % 2), SlowFirstStep: false))
            .Concat(Enumerable.Range(0, 2).Select(i => new CrashInput($"slow-{i}", TimerSeconds: 1, SlowFirstStep: true)))
            .ToList();
        foreach (var saga in sagas)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleOrchestrations.CrashSaga), saga, new StartOrchestrationOptions(saga.Key));
        }

        using (var first = TestHostProcess.Start(data, effects, LeaseSeconds))
        {
            // Killed once every fast saga is on its timer and every slow one is inside its activity.
            await first.UntilAsync(() => sagas.All(s => Lines(effects).Contains(s.SlowFirstStep ? $"begin {s.Key}:a" : $"end {s.Key}:a")));
            first.Kill();
        }

        foreach (var saga in sagas)
        {
            var state = await client.GetInstanceAsync(saga.Key);
            Assert.True(state?.RuntimeStatus == OrchestrationRuntimeStatus.Running, $"{saga.Key} was {state?.RuntimeStatus} at the kill: the crash hit nothing.");
        }

        using var second = TestHostProcess.Start(data, effects, LeaseSeconds);
        foreach (var saga in sagas)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var done = await client.WaitForInstanceCompletionAsync(saga.Key, getInputsAndOutputs: true, patience.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{saga.Key}: {done.RuntimeStatus} {done.FailureDetails} {second.Output}");
            Assert.Equal($"<{saga.Key}:a><{saga.Key}:b>", done.ReadOutputAs<string>());
        }

        var lines = Lines(effects);
        Assert.All(sagas, saga =>
        {
            Assert.True(Count(lines, $"end {saga.Key}:a") >= 1);
            Assert.Equal(1, Count(lines, $"end {saga.Key}:b"));
        });

        // The slow activities were running when the process died: they ran again after the restart.
        Assert.All(sagas.Where(s => s.SlowFirstStep), saga => Assert.Equal(2, Count(lines, $"begin {saga.Key}:a")));
    }

    private static string[] Lines(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    private static int Count(string[] lines, string line) => lines.Count(l => l == line);

    /// <summary>The test host as a child process: <c>dotnet OrderOps.Orchestration.TestHost.dll DATA EFFECTS LEASE</c>.</summary>
    private sealed class TestHostProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];

        private TestHostProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Collect(e.Data);
            _process.ErrorDataReceived += (_, e) => Collect(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return string.Join('\n', _output);
                }
            }
        }

        public static TestHostProcess Start(string data, string effects, int leaseSeconds)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "OrderOps.Orchestration.TestHost.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll, data, effects, leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            return new TestHostProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
        }

        /// <summary>Waits for <paramref name="condition"/>, failing with the host's output if it exits or 30 s pass.</summary>
        public async Task UntilAsync(Func<bool> condition)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (_process.HasExited)
                {
                    Assert.Fail($"The test host exited ({_process.ExitCode}): {Output}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"The test host did not get there in 30 s: {Output}");
                await Task.Delay(20);
            }
        }

        /// <summary>SIGKILL: no shutdown, no lock handed back, nothing flushed.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        private void Collect(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Add(line);
                }
            }
        }
    }
}
