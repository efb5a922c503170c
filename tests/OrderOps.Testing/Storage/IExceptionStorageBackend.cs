using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>
/// A fresh backend for the lifecycle's exception queue: the part of <see cref="ILifecycleStorageBackend"/> a backend can
/// offer without a stock allocator (the Azure backend: Table storage).
/// </summary>
public interface IExceptionStorageBackend : IAsyncDisposable
{
    FakeTimeProvider Time { get; }

    ILifecycleExceptionStore Exceptions { get; }
}
