using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>
/// A fresh backend for the lifecycle's due timers and exception queue: the part of <see cref="ILifecycleStorageBackend"/>
/// a backend can offer without a stock allocator (the Azure backend: Table storage).
/// </summary>
public interface ITimerAndExceptionStorageBackend : IAsyncDisposable
{
    FakeTimeProvider Time { get; }

    ITimerStore Timers { get; }

    ILifecycleExceptionStore Exceptions { get; }
}
