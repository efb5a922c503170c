using System.Collections.Concurrent;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Amazon.Tests.Doubles;

public sealed class InMemoryRawArchive : IRawArchive
{
    public ConcurrentDictionary<string, RawPayload> Payloads { get; } = new(StringComparer.Ordinal);

    public Task ArchiveAsync(RawPayload payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Payloads.TryAdd(payload.Id, payload); // First copy wins, as the port specifies.
        return Task.CompletedTask;
    }

    public async Task ArchiveAsync(RawPayload payload, Stream body, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken);
        await ArchiveAsync(payload with { Body = copy.ToArray() }, cancellationToken);
    }

    public Task<ArchivedBody?> OpenAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Payloads.TryGetValue(id, out var payload) ? new ArchivedBody(payload with { Body = ReadOnlyMemory<byte>.Empty }, new MemoryStream(payload.Body.ToArray(), writable: false)) : null);

    public Task<RawPayload?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Payloads.TryGetValue(id, out var payload) ? payload : null);
}
