using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Http;

/// <summary>
/// Ids as real catalogues and partners write them ('/', '#', spaces, '%') travel percent-encoded in one path segment and
/// come back unchanged; ids with control or bidi characters are refused naming the field; malformed input is a 4xx, never a 500.
/// </summary>
/// <remarks>
/// Runs against the real process (Kestrel), because the in-process TestServer decodes %2F before routing and has no raw
/// request target, so it cannot show what a client sees. One process for the class; every test uses its own ids.
/// </remarks>
public sealed class RealWorldIdTests(RealWorldIdTests.App app) : IClassFixture<RealWorldIdTests.App>
{
    private readonly App _app = app;

    [Theory]
    [InlineData("TSHIRT/RED/M")]
    [InlineData("MUG #7 50% off")]
    [InlineData("sku%2Fenc")]
    [InlineData("a%252Fb")]
    public async Task An_id_handed_out_in_Location_reads_back_the_same_record(string sku)
    {
        using var client = _app.CreateKeyedClient();
        using var created = await PostMovementAsync(client, $"rcv-{Guid.NewGuid():N}", sku, 5);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!;
        Assert.Equal("/api/inventory/" + Uri.EscapeDataString(sku), location.OriginalString);

        var view = await client.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(sku, view.GetProperty("sku").GetString());
        Assert.Equal(5, view.GetProperty("locations")[0].GetProperty("onHand").GetInt32());
    }

    [Fact]
    public async Task Ids_that_differ_only_in_escaping_stay_distinct()
    {
        using var client = _app.CreateKeyedClient();
        (await PostMovementAsync(client, "d-1", "dist/enc", 1)).Dispose();
        (await PostMovementAsync(client, "d-2", "dist%2Fenc", 2)).Dispose();
        using (var unencoded = await client.GetAsync(new Uri("/api/inventory/dist/enc", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unencoded.StatusCode);
        }

        var slash = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/inventory/dist%2Fenc", UriKind.Relative));
        var literal = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/inventory/dist%252Fenc", UriKind.Relative));
        Assert.Equal(("dist/enc", 1), (slash.GetProperty("sku").GetString(), slash.GetProperty("locations")[0].GetProperty("onHand").GetInt32()));
        Assert.Equal(("dist%2Fenc", 2), (literal.GetProperty("sku").GetString(), literal.GetProperty("locations")[0].GetProperty("onHand").GetInt32()));
    }

    [Theory]
    [InlineData("NUL\u0000SKU", "sku")]
    [InlineData("CR\r\nLF", "sku")]
    [InlineData("RLO\u202Egpj.exe", "sku")]
    [InlineData(" PADDED ", "sku")]
    public async Task Control_bidi_and_padded_ids_are_refused_naming_the_field(string sku, string field)
    {
        using var client = _app.CreateKeyedClient();
        using var response = await PostMovementAsync(client, "m-bad", sku, 1);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field + " must", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/inventory/%20", "sku")]
    [InlineData("/api/inventory/A%0D%0AB", "sku")]
    [InlineData("/api/orders/x%E2%80%AEy", "orderId")]
    public async Task Invalid_ids_in_the_path_are_a_400_naming_the_field(string path, string field)
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_before_routing()
    {
        // Kestrel itself answers 400 to a decoded NUL in the path, so no id with one reaches the functions.
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri("/api/inventory/A%00B", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_order_id_with_a_slash_is_decoded_once_from_the_path()
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.GetAsync(new Uri("/api/orders/edi%3Aacme%3APO%2F2026%2F001%20%2325%25", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'edi:acme:PO/2026/001 #25%'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_balance_past_int_max_is_a_409_not_a_500()
    {
        using var client = _app.CreateKeyedClient();
        (await PostMovementAsync(client, "big-1", "BIG", 10)).Dispose();
        using var response = await PostMovementAsync(client, "big-2", "BIG", int.MaxValue);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("""{"movementId":"s","sku":"STRICT","location":"east","type":"receipt","quantity":"10"}""")]
    [InlineData("""{"movementId":"d","sku":"STRICT","location":"east","type":"receipt","quantity":1,"quantity":1000}""")]
    public async Task Quantities_as_strings_and_duplicate_keys_are_refused(string json)
    {
        using var client = _app.CreateKeyedClient();
        using var response = await client.PostAsync(new Uri("/api/inventory/movements", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var read = await client.GetAsync(new Uri("/api/inventory/STRICT", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    private static Task<HttpResponseMessage> PostMovementAsync(HttpClient client, string movementId, string sku, int quantity) =>
        client.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId, sku, location = "east", type = "receipt", quantity });

    /// <summary>The app as its own process, with two locations and the test key.</summary>
    public sealed class App : IAsyncLifetime
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-ids", Guid.NewGuid().ToString("N"));
        private StandaloneProcess? _process;

        public Uri BaseAddress => _process!.BaseAddress;

        public HttpClient CreateKeyedClient() => _process!.CreateClient(AppFactory.ApiKey);

        public async Task InitializeAsync() => _process = await StandaloneProcess.StartAsync(new Dictionary<string, string>
        {
            ["OrderOps__DataDirectory"] = _dataDirectory,
            ["Auth__ApiKeys__0"] = AppFactory.ApiKey,
            ["Inventory__Locations__0"] = "east",
            ["Inventory__Locations__1"] = "west",
        });

        public async Task DisposeAsync()
        {
            if (_process is not null)
            {
                await _process.DisposeAsync();
            }

            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
