using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Lossless;

/// <summary>
/// Nothing acknowledged is lost: the real standalone process is killed (SIGKILL) after it acknowledged webhooks and
/// before or while it processes them; after a restart every acknowledged order is stored exactly once.
/// </summary>
[Collection(nameof(RealProcessCollection))]
public sealed class KillAndRestartTests : IDisposable
{
    private const string ApiKey = "kill-test-key";
    private const string Secret = "kill-test-secret";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-kill-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Killed_between_acknowledgement_and_processing_every_acknowledged_order_is_stored_once_after_restart()
    {
        var acknowledged = new List<long>();
        await using (var first = await StartAsync(runPumps: false))
        {
            using var client = first.CreateClient();
            for (long id = 1; id <= 40; id++)
            {
                using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(id), Secret));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                acknowledged.Add(id);
            }

            first.Kill();
        }

        await using var second = await StartAsync(runPumps: true);
        await AssertStoredExactlyOnceAsync(second, acknowledged);
    }

    [Fact]
    public async Task Killed_while_ingesting_under_load_every_acknowledged_order_is_stored_once_after_restart()
    {
        var acknowledged = new ConcurrentBag<long>();
        await using (var first = await StartAsync(runPumps: true))
        {
            using var client = first.CreateClient();
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (long id = worker * 10_000; !stop.IsCancellationRequested; id++)
                {
                    try
                    {
                        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(id + 1), Secret), stop.Token);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(id + 1);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        return; // the process is gone: this delivery was never acknowledged
                    }
                }
            })).ToList();

            while (acknowledged.Count < 150)
            {
                await Task.Delay(5);
            }

            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        await using var second = await StartAsync(runPumps: true);
        await AssertStoredExactlyOnceAsync(second, acknowledged.ToList());
    }

    private Task<StandaloneProcess> StartAsync(bool runPumps) => StandaloneProcess.StartAsync(new Dictionary<string, string>
    {
        ["OrderOps__DataDirectory"] = _dataDirectory,
        ["Auth__ApiKeys__0"] = ApiKey,
        ["Channels__Shopify__WebhookSecret"] = Secret,
        ["OrderOps__Standalone__RunPumps"] = runPumps ? "true" : "false",
        // A message locked by the killed process comes back this soon instead of after minutes.
        ["OrderOps__Standalone__VisibilityTimeout"] = "00:00:02",
    });

    private static async Task AssertStoredExactlyOnceAsync(StandaloneProcess host, IReadOnlyCollection<long> acknowledged)
    {
        using var client = host.CreateClient(ApiKey);
        var expected = acknowledged.Select(id => $"shopify:example.myshopify.com:{id}").ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> stored;
        do
        {
            stored = await ListAllAsync(client);
            if (expected.IsSubsetOf(stored))
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Empty(expected.Except(stored));

        // Stored once: ids are deterministic, so a second copy would be a second order.received on the one order. (The
        // list itself may name an order twice: it is in order of last change, and the lifecycle saves orders meanwhile.)
        foreach (var orderId in expected.Take(25))
        {
            var view = await client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId);
            Assert.Single(view.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString()!.StartsWith("order.", StringComparison.Ordinal)); // ingest's events; the lifecycle adds its own
        }
    }

    private static async Task<List<string>> ListAllAsync(HttpClient client)
    {
        var ids = new List<string>();
        string? continuation = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/orders?pageSize=200" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation)));
            ids.AddRange(page.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.String ? page.GetProperty("continuation").GetString() : null;
        }
        while (continuation is not null);

        return ids;
    }
}

/// <summary>Real-process tests run one at a time: they compete for the same two cores.</summary>
[CollectionDefinition(nameof(RealProcessCollection), DisableParallelization = true)]
public sealed class RealProcessCollection;
