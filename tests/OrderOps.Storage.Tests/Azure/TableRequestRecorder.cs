using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace OrderOps.Storage.Tests.Azure;

/// <summary>One Table storage operation: method, decoded path and query, and for a query how many entities came back.</summary>
public sealed record TableRequest(string Method, string PathAndQuery, int? EntitiesReturned)
{
    /// <summary>A query (<c>GET /table()?$filter=...</c>) rather than a point read of one row.</summary>
    public bool IsQuery => Method == "GET" && PathAndQuery.Contains("()", StringComparison.Ordinal);

    public bool IsWrite => Method is "PUT" or "MERGE" or "POST" or "DELETE" or "PATCH";

    /// <summary>Whether the request addresses a row of the partition starting with <paramref name="prefix"/>.</summary>
    public bool Addresses(string prefix) => PathAndQuery.Contains("PartitionKey='" + prefix, StringComparison.Ordinal);
}

/// <summary>
/// Records every Table storage operation of a client (a per-call pipeline policy) and, when <see cref="Crash"/> says so,
/// fails one before it is sent: the process "died" just before that write, with everything earlier written.
/// </summary>
public sealed class TableRequestRecorder : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<TableRequest> _requests = new();
    private (Func<TableRequest, bool> When, Func<Task> Action)? _interleaved;

    /// <summary>Fails the first request it matches, then clears itself.</summary>
    public Func<TableRequest, bool>? Crash { get; set; }

    public IReadOnlyList<TableRequest> Requests => _requests.ToList();

    public void Clear() => _requests.Clear();

    /// <summary>Runs <paramref name="action"/> (once) just before the first request <paramref name="when"/> matches is sent: a deterministic race.</summary>
    public void RunBefore(Func<TableRequest, bool> when, Func<Task> action) => _interleaved = (when, action);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var uri = message.Request.Uri.ToUri();
        var request = new TableRequest(message.Request.Method.Method, Uri.UnescapeDataString(uri.PathAndQuery), null);
        if (Crash is { } crash && crash(request))
        {
            Crash = null;
            throw new SimulatedCrashException(request);
        }

        if (_interleaved is { } interleaved && interleaved.When(request))
        {
            _interleaved = null;
            await interleaved.Action();
        }

        await ProcessNextAsync(message, pipeline);
        _requests.Enqueue(request.IsQuery && message.Response.Status == 200 ? request with { EntitiesReturned = CountEntities(message.Response.Content) } : request);
    }

    private static int CountEntities(BinaryData content)
    {
        using var json = JsonDocument.Parse(content);
        return json.RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 0;
    }
}

public sealed class SimulatedCrashException(TableRequest request) : Exception($"Simulated crash before {request.Method} {request.PathAndQuery}");
