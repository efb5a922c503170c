using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;

/// <summary>The measured orchestrations: a saga of three activities and a durable timer, and a waiter for latency.</summary>
internal sealed class LoadSagas
{
    public const string Saga = nameof(Saga);
    public const string Waiter = nameof(Waiter);
    public const string Go = "go";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _resumed = new(StringComparer.Ordinal);

    public void Register(DurableTaskRegistry registry, TimeSpan timer) => registry
        .AddOrchestratorFunc<string, string>(Saga, async (context, id) =>
        {
            var reserved = await context.CallActivityAsync<string>("Reserve", id);
            await context.CreateTimer(timer, CancellationToken.None);
            var charged = await context.CallActivityAsync<string>("Charge", reserved);
            return await context.CallActivityAsync<string>("Notify", charged);
        })
        .AddOrchestratorFunc<string, string>(Waiter, async (context, id) =>
        {
            var value = await context.WaitForExternalEvent<string>(Go);

            // Measurement only, and only on the live run (never on replay): when the orchestrator code resumed.
            if (!context.IsReplaying && _resumed.TryGetValue(context.InstanceId, out var resumed))
            {
                resumed.TrySetResult(Stopwatch.GetTimestamp());
            }

            return value;
        })
        .AddActivityFunc<string, string>("Reserve", (_, id) => $"{id}:reserved")
        .AddActivityFunc<string, string>("Charge", (_, value) => $"{value}:charged")
        .AddActivityFunc<string, string>("Notify", (_, value) => $"{value}:notified");

    /// <summary>Completes with the Stopwatch timestamp at which the waiter <paramref name="instanceId"/> resumed.</summary>
    public Task<long> ResumedAsync(string instanceId) =>
        _resumed.GetOrAdd(instanceId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
