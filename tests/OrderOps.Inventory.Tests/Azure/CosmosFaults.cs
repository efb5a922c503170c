using Microsoft.Azure.Cosmos;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>Which Cosmos DB requests a fault applies to, from the request the SDK is about to send.</summary>
public static class CosmosRequests
{
    /// <summary>A create, replace or upsert of a document in <paramref name="container"/> (not a query), optionally in one partition.</summary>
    public static Func<RequestMessage, bool> WriteTo(string container, string? partitionKey = null) => request =>
        (request.Method == HttpMethod.Put || (request.Method == HttpMethod.Post && request.Headers["x-ms-documentdb-isquery"] is null))
        && request.RequestUri.OriginalString.Contains($"/colls/{container}/docs", StringComparison.Ordinal)
        && (partitionKey is null || request.Headers["x-ms-documentdb-partitionkey"] == $"[\"{partitionKey}\"]");
}

/// <summary>
/// Simulates the process being killed: requests go through until the <paramref name="occurrence"/>-th one matching
/// <paramref name="fatal"/> is about to be sent; that one and every request after it fail without reaching the store.
/// Requests already on their way complete, as they would when a process dies with requests in flight.
/// </summary>
public sealed class KillSwitch(Func<RequestMessage, bool> fatal, int occurrence = 1) : RequestHandler
{
    private int _seen;
    private volatile bool _dead;

    public bool Dead => _dead;

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (_dead || (fatal(request) && Interlocked.Increment(ref _seen) >= occurrence))
        {
            _dead = true;
            throw new ProcessKilledException();
        }

        return base.SendAsync(request, cancellationToken);
    }
}

public sealed class ProcessKilledException() : Exception("The process was killed (simulated).");

/// <summary>Holds the first request matching <paramref name="matches"/> until <see cref="Open"/>: a driver stalled mid-write.</summary>
public sealed class RequestGate(Func<RequestMessage, bool> matches) : RequestHandler
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes when the matching request arrived and is being held.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _open.TrySetResult();

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (matches(request) && Interlocked.Exchange(ref _held, 1) == 0)
        {
            _reached.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
