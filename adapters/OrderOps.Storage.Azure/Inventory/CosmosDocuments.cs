using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// Typed point reads and conditional writes on one container, serialised with System.Text.Json. Conditional writes
/// answer null instead of throwing when their precondition fails (409 on create, 412/404 on replace), because losing
/// such a race is the normal path of optimistic concurrency here, not an error.
/// </summary>
internal sealed class CosmosDocuments(Container container, bool emulator)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public Container Container => container;

    public async Task<(T Document, string ETag)?> ReadAsync<T>(string id, string partitionKey, CancellationToken cancellationToken)
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        if (IsMissing(response))
        {
            return null;
        }

        EnsureSuccess(response);
        var document = await JsonSerializer.DeserializeAsync<T>(response.Content, Json, cancellationToken);
        return (document!, response.Headers.ETag);
    }

    /// <summary>Creates the document; null when one with that id already exists.</summary>
    public async Task<string?> CreateAsync<T>(T document, string partitionKey, CancellationToken cancellationToken)
    {
        using var response = await container.CreateItemStreamAsync(ToStream(document), new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        EnsureSuccess(response);
        return response.Headers.ETag;
    }

    /// <summary>Replaces the document if it is still at <paramref name="etag"/>; null when it changed or vanished meanwhile.</summary>
    public async Task<string?> ReplaceAsync<T>(T document, string id, string partitionKey, string etag, CancellationToken cancellationToken)
    {
        using var response = await container.ReplaceItemStreamAsync(
            ToStream(document), id, new PartitionKey(partitionKey), new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response);
        return response.Headers.ETag;
    }

    /// <summary>Creates (no <paramref name="etag"/>) or conditionally replaces; null when another writer got there first.</summary>
    public Task<string?> WriteAsync<T>(T document, string id, string partitionKey, string? etag, CancellationToken cancellationToken) =>
        etag is null ? CreateAsync(document, partitionKey, cancellationToken) : ReplaceAsync(document, id, partitionKey, etag, cancellationToken);

    public async Task UpsertAsync<T>(T document, string partitionKey, CancellationToken cancellationToken)
    {
        using var response = await container.UpsertItemStreamAsync(ToStream(document), new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        EnsureSuccess(response);
    }

    /// <summary>Deletes the document (if still at <paramref name="etag"/> when given); false when it changed meanwhile.</summary>
    public async Task<bool> DeleteAsync(string id, string partitionKey, string? etag, CancellationToken cancellationToken)
    {
        using var response = await container.DeleteItemStreamAsync(
            id, new PartitionKey(partitionKey), etag is null ? null : new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            EnsureSuccess(response);
        }

        return true;
    }

    /// <summary>
    /// A query inside one partition. No ORDER BY or TOP: those need a query plan, which cosmosdb-server cannot serve
    /// (the SDK fails with a NullReferenceException), so callers sort what they read.
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(QueryDefinition query, string partitionKey, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var feed = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey) });
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(cancellationToken);
            EnsureSuccess(page);
            var body = await JsonSerializer.DeserializeAsync<QueryPage<T>>(page.Content, Json, cancellationToken);
            results.AddRange(body!.Documents);
        }

        return results;
    }

    /// <summary>A document id for any key: Cosmos DB ids forbid '/', '\', '?', '#' and are at most 255 characters.</summary>
    public static string HashedId(string prefix, string key) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static void EnsureSuccess(ResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CosmosException(
                $"Cosmos DB answered {(int)response.StatusCode}: {response.ErrorMessage}",
                response.StatusCode,
                0,
                response.Headers.ActivityId,
                response.Headers.RequestCharge);
        }
    }

    private bool IsMissing(ResponseMessage response) =>
        response.StatusCode == HttpStatusCode.NotFound
        // cosmosdb-server answers a point read of a missing document with a 500 (a TypeError in its handler) instead of 404.
        || (emulator && response.StatusCode == HttpStatusCode.InternalServerError
            && response.ErrorMessage?.Contains("Cannot read properties of undefined", StringComparison.Ordinal) == true);

    private static MemoryStream ToStream<T>(T document) => new(JsonSerializer.SerializeToUtf8Bytes(document, Json));

    private sealed class QueryPage<T>
    {
        [JsonPropertyName("Documents")]
        public List<T> Documents { get; set; } = [];
    }
}
