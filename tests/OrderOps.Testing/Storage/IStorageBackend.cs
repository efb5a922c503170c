using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>
/// A fresh, empty backend for one test. Each backend (embedded, Azure) provides one; the contract classes below run
/// unchanged against each. Ports a backend does not offer (e.g. a queue receiver on Azure) return null.
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    FakeTimeProvider Time { get; }

    IOrderStore Orders { get; }

    IIdempotencyStore Keys { get; }

    ICheckpointStore Checkpoints { get; }

    IRawArchive Archive { get; }

    IIngestFailureStore Failures { get; }

    IMessageQueue Queue { get; }

    IQueueReceiver? Receiver { get; }
}
