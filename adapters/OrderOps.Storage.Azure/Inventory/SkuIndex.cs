using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// Every SKU the ledger knows, for <c>ListSkusAsync</c> without a cross-partition query: the SKUs are spread over
/// <see cref="Buckets"/> documents in one partition of the meta container, each a sorted list. Listing reads the buckets
/// with one single-partition query and merges them; adding a SKU is an If-Match update of its bucket, done once per SKU,
/// before the SKU's own document is created (so a SKU with a document is always listed).
/// </summary>
internal sealed class SkuIndex(CosmosDocuments meta)
{
    public const string Partition = "skus";
    private const int Buckets = 16;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public async Task EnsureAsync(string sku, CancellationToken cancellationToken)
    {
        if (_known.ContainsKey(sku))
        {
            return;
        }

        var id = BucketId(sku);
        while (true)
        {
            var read = await meta.ReadAsync<BucketDocument>(id, Partition, cancellationToken);
            var bucket = read?.Document ?? new BucketDocument { Id = id };
            var at = bucket.Skus.BinarySearch(sku, StringComparer.Ordinal);
            if (at >= 0)
            {
                break;
            }

            bucket.Skus.Insert(~at, sku);
            if (await meta.WriteAsync(bucket, id, Partition, read?.ETag, cancellationToken) is not null)
            {
                break;
            }
        }

        _known[sku] = true;
    }

    public async Task<IReadOnlyList<string>> ListAsync(string? afterSku, int limit, CancellationToken cancellationToken)
    {
        var buckets = await meta.QueryAsync<BucketDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = 'skus'").WithParameter("@pk", Partition), Partition, cancellationToken);
        return buckets.SelectMany(b => b.Skus)
            .Where(s => afterSku is null || string.CompareOrdinal(s, afterSku) > 0)
            .Order(StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }

    private static string BucketId(string sku) =>
        FormattableString.Invariant($"bucket-{int.Parse(TableKeys.HashBucket(sku), CultureInfo.InvariantCulture) % Buckets:D2}");

    private sealed class BucketDocument
    {
        [JsonPropertyName("id")]
        public required string Id { get; set; }

        public string Pk { get; set; } = Partition;

        public string Type { get; set; } = "skus";

        public List<string> Skus { get; set; } = [];
    }
}
