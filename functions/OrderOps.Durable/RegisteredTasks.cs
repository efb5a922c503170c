using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;

namespace OrderOps.Durable;

/// <summary>
/// The app's orchestrators and activities (a <see cref="DurableTaskRegistry"/>), adapted for a DurableTask.Core
/// <see cref="TaskHubWorker"/> through Microsoft.DurableTask.Worker's public shims: the same
/// <see cref="TaskOrchestrationContext"/> code the Functions host runs.
/// </summary>
public sealed class RegisteredTasks(DurableTaskRegistry registry)
{
    private readonly HashSet<string> _orchestrators = registry.GetOrchestrators().Select(o => o.Key.Name).ToHashSet(StringComparer.Ordinal);

    public DurableTaskRegistry Registry { get; } = registry;

    public bool IsOrchestrator(string name) => _orchestrators.Contains(name);

    public void AddTo(TaskHubWorker worker, IServiceProvider services, DurableTaskShimFactory shims)
    {
        ArgumentNullException.ThrowIfNull(worker);
        foreach (var (name, factory) in Registry.GetOrchestrators())
        {
            worker.AddTaskOrchestrations(new Creator<TaskOrchestration>(name.Name, () => shims.CreateOrchestration(name, factory(services), parent: null)));
        }

        foreach (var (name, factory) in Registry.GetActivities())
        {
            worker.AddTaskActivities(new Creator<TaskActivity>(name.Name, () => shims.CreateActivity(name, factory(services))));
        }
    }

    /// <summary>A new shim per episode or activity run, as DurableTask.Core expects of an <see cref="ObjectCreator{T}"/>.</summary>
    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }
}
