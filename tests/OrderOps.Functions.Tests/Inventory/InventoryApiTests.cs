using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OrderOps.Testing.Azure;
using OrderOps.Testing.Contracts;

namespace OrderOps.Functions.Tests.Inventory;

/// <summary>
/// The inventory API and fan-out wired in the Function app (standalone mode), pushing to a fake Shopify store: the HTTP
/// function records the movement in the ledger, the standalone change-feed pump reads the ledger's change log and
/// invokes the fan-out function, which schedules and pushes through the publication store. Once per storage backend.
/// </summary>
public abstract class InventoryApiContract : IAsyncLifetime
{
    private readonly ConcurrentDictionary<long, int> _shopifyAvailable = new();
    private WebApplication _shopify = null!;
    private AppFactory _app = null!;

    /// <summary>Settings that choose and connect the storage backend.</summary>
    protected virtual Task<Dictionary<string, string>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string>());

    protected virtual Task CleanUpBackendAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _shopify = builder.Build();
        // The GraphQL Admin API as the Shopify adapter calls it: read the level, then inventorySetQuantities.
        _shopify.MapPost("/admin/api/{version}/graphql.json", async (HttpContext context) =>
        {
            if (context.Request.Headers["X-Shopify-Access-Token"] != "shpat_test")
            {
                return Results.StatusCode(401);
            }

            var body = await context.Request.ReadFromJsonAsync<JsonElement>();
            var variables = body.GetProperty("variables");
            if (!body.GetProperty("query").GetString()!.Contains("inventorySetQuantities", StringComparison.Ordinal))
            {
                var item = long.Parse(variables.GetProperty("id").GetString()!.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
                return Results.Ok(new { data = new { inventoryItem = new { inventoryLevel = new { quantities = new[] { new { name = "available", quantity = _shopifyAvailable.GetValueOrDefault(item) } } } } } });
            }

            var quantity = variables.GetProperty("input").GetProperty("quantities")[0];
            _shopifyAvailable[long.Parse(quantity.GetProperty("inventoryItemId").GetString()!.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture)] = quantity.GetProperty("quantity").GetInt32();
            return Results.Ok(new { data = new { inventorySetQuantities = new { userErrors = Array.Empty<object>() } } });
        });
        await _shopify.StartAsync();
        var settings = await BackendSettingsAsync();
        _app = new AppFactory(settings: new Dictionary<string, string>(settings)
        {
            ["Inventory:Locations:0"] = "east",
            ["Inventory:Locations:1"] = "west",
            ["Inventory:Channels:shopify:Locations:0"] = "east",
            ["Inventory:Channels:shopify:Locations:1"] = "west",
            ["Inventory:Channels:shopify:Buffer:Absolute"] = "1",
            ["Channels:Shopify:Inventory:BaseAddress"] = _shopify.Urls.First(),
            ["Channels:Shopify:Inventory:AccessToken"] = "shpat_test",
            ["Channels:Shopify:Inventory:LocationId"] = "655441491",
            ["Channels:Shopify:Inventory:InventoryItemIds:HOODIE-L"] = "808950810",
        });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _shopify.DisposeAsync();
        await CleanUpBackendAsync();
    }

    [ContractFact]
    public async Task Movements_are_idempotent_checked_and_reach_shopify()
    {
        using var client = _app.CreateKeyedClient();
        var receipt = new { movementId = "rcv-1", sku = "HOODIE-L", location = "east", type = "receipt", quantity = 10 };
        using (var first = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), receipt))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var again = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), receipt))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var tooMany = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "t-1", sku = "HOODIE-L", location = "east", type = "transfer", toLocation = "west", quantity = 11 }))
        {
            Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        }

        using (var nowhere = await client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "r-2", sku = "HOODIE-L", location = "mars", type = "receipt", quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        }

        using (var anonymous = _app.CreateClient())
        using (var refused = await anonymous.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), receipt))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The change feed pump → fan-out function → Shopify publisher: 10 on hand − 1 buffer.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_shopifyAvailable.TryGetValue(808950810, out var shown) || shown != 9)
        {
            Assert.True(DateTime.UtcNow < deadline, "Shopify was not told the new quantity.");
            await Task.Delay(50);
        }

        JsonElement view;
        do
        {
            view = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/inventory/HOODIE-L", UriKind.Relative));
            await Task.Delay(20);
        }
        while (view.GetProperty("channels")[0].TryGetProperty("publishedQuantity", out var published) is false && DateTime.UtcNow < deadline);

        var location = view.GetProperty("locations")[0];
        Assert.Equal(("east", 10, 0, 10), (location.GetProperty("location").GetString(), location.GetProperty("onHand").GetInt32(), location.GetProperty("allocated").GetInt32(), location.GetProperty("available").GetInt32()));
        var shopify = view.GetProperty("channels")[0];
        Assert.Equal("shopify", shopify.GetProperty("channel").GetString());
        Assert.Equal(9, shopify.GetProperty("availableToSell").GetInt32());
        Assert.Equal(9, shopify.GetProperty("publishedQuantity").GetInt32());
        Assert.Contains("1 buffer", shopify.GetProperty("computation").GetString(), StringComparison.Ordinal);

        using var unknown = await client.GetAsync(new Uri("/api/inventory/NO-SUCH-SKU", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}

public sealed class InventoryApiTests : InventoryApiContract;

/// <summary>
/// The same on the Azure backend (Cosmos DB ledger, Table storage publications, in the emulators): a fresh database;
/// the app's default-named checkpoint and publication tables are emptied first, since a run before may have left rows.
/// </summary>
[NeedsAzureServices]
public sealed class AzureInventoryApiTests : InventoryApiContract
{
    private string _database = null!;

    protected override async Task<Dictionary<string, string>> BackendSettingsAsync()
    {
        using (var cosmos = CreateCosmosClient())
        {
            // Made here rather than by the app's create-if-missing: see CreateCosmosDatabaseAsync for why.
            _database = await AzureTestEnvironment.CreateCosmosDatabaseAsync(cosmos, "api");
        }

        var tables = new global::Azure.Data.Tables.TableServiceClient(AzureTestEnvironment.StorageConnectionString);
        var defaults = new OrderOps.Storage.Azure.AzureStorageOptions();
        await tables.DeleteTableAsync(defaults.CheckpointTable);
        await tables.DeleteTableAsync(defaults.InventoryPublicationsTable);
        return new Dictionary<string, string>
        {
            ["Storage:Backend"] = "Azure",
            ["Storage:CreateIfMissing"] = "true",
            ["CosmosDb:DatabaseName"] = _database,
            ["CosmosDb:Emulator"] = AzureTestEnvironment.CosmosIsEmulator ? "true" : "false",
            ["CosmosDbConnection"] = $"AccountEndpoint={AzureTestEnvironment.CosmosEndpoint};AccountKey={AzureTestEnvironment.CosmosKey}",
            ["StorageConnection"] = AzureTestEnvironment.StorageConnectionString!,
        };
    }

    protected override async Task CleanUpBackendAsync()
    {
        using var cosmos = CreateCosmosClient();
        await cosmos.GetDatabase(_database).DeleteAsync();
    }

    private static Microsoft.Azure.Cosmos.CosmosClient CreateCosmosClient() => new(
        AzureTestEnvironment.CosmosEndpoint, AzureTestEnvironment.CosmosKey, OrderOps.Storage.Azure.AzureConnections.CosmosOptions(AzureTestEnvironment.CosmosIsEmulator));
}
