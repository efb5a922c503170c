using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Hosting.Discovery;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Standalone;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>Standalone timers on a fake clock: each occurrence fires once, a missed stretch fires once (past due), settings resolve.</summary>
public sealed class TimerPumpTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 8, 0, 5, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, bool PastDue)> _fired = new();

    public TimerPumpTests()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(_fired)
            .AddSingleton<FunctionInvoker>()
            .BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Each_occurrence_fires_once_and_a_missed_stretch_fires_once_past_due()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:Every10s"] = "*/10 * * * * *" }).Build();
        var pump = new TimerPump(_services.GetRequiredService<FunctionInvoker>(), configuration, _time, NullLogger<TimerPump>.Instance);
        var run = pump.RunAsync(FunctionDiscovery.Describe(typeof(Every10s).GetMethod(nameof(Every10s.Run))!), _stop.Token);

        await AdvanceUntilFiredAsync(1);   // 08:00:10
        await AdvanceUntilFiredAsync(2);   // 08:00:20
        _time.Advance(TimeSpan.FromMinutes(1)); // stalled past six occurrences
        await WaitForAsync(3);
        await AdvanceUntilFiredAsync(4);

        // Each occurrence fired once, at or after its due time (08:00:10, 08:00:20); after the stall one past-due run,
        // then the next occurrence is computed from then (08:01:30), not the six missed ones replayed.
        var fired = _fired.ToArray();
        DateTimeOffset[] due = [Start.AddSeconds(5), Start.AddSeconds(15), Start.AddSeconds(75), Start.AddSeconds(85)];
        Assert.All(fired.Zip(due), f => Assert.InRange(f.First.At, f.Second, f.Second.AddSeconds(5)));
        Assert.Equal([false, false, true, false], fired.Select(f => f.PastDue));
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public void A_schedule_setting_that_is_not_configured_is_refused_naming_it()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            TimerPump.ResolveSchedule(new TimerTriggerAttribute("%Jobs:Missing%"), new ConfigurationBuilder().Build()));

        Assert.Contains("'Jobs:Missing'", ex.Message, StringComparison.Ordinal);
    }

    private async Task AdvanceUntilFiredAsync(int count)
    {
        // One second at a time, as a clock would move: an occurrence must fire at its second, not before or twice.
        while (_fired.Count < count)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
            Assert.True(_time.GetUtcNow() < Start.AddMinutes(5), "The timer never fired.");
        }

        Assert.Equal(count, _fired.Count);
    }

    private async Task WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_fired.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "The timer never fired.");
            await Task.Delay(5);
        }
    }

    public sealed class Every10s(TimeProvider time, ConcurrentQueue<(DateTimeOffset At, bool PastDue)> fired)
    {
        [Function("Every10s")]
        public void Run([TimerTrigger("%Jobs:Every10s%")] TimerInfo timer) => fired.Enqueue((time.GetUtcNow(), timer.IsPastDue));
    }
}
