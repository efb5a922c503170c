using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace OrderOps.Functions.Tests.Http;

/// <summary>
/// Ids in paths as the app receives them under the Azure Functions host, which cannot run here. The host's own Kestrel
/// decodes the client's path, then its <c>DefaultHttpProxyService</c> forwards the request to the worker with YARP's
/// <see cref="IHttpForwarder"/> (default transformer) and the <c>x-ms-invocation-id</c> header. This test puts exactly
/// that, a Kestrel front with YARP's forwarder, in front of the real app process.
/// </summary>
public sealed class FunctionsHostForwardingTests(RealWorldIdTests.App app) : IClassFixture<RealWorldIdTests.App>, IAsyncLifetime
{
    private readonly HttpMessageInvoker _toWorker = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
    private WebApplication _front = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHttpForwarder();
        _front = builder.Build();
        var worker = app.BaseAddress.ToString();
        _front.Map("/{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            context.Request.Headers.TryAdd("x-ms-invocation-id", Guid.NewGuid().ToString());
            await forwarder.SendAsync(context, worker, _toWorker, ForwarderRequestConfig.Empty);
        });
        await _front.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        _toWorker.Dispose();
    }

    [Fact]
    public async Task An_id_with_a_slash_sent_the_documented_way_reaches_its_record_through_the_host()
    {
        using var direct = app.CreateKeyedClient();
        (await direct.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "fwd-1", sku = "FWD/RED/M", location = "east", type = "receipt", quantity = 3 })).Dispose();
        (await direct.PostAsJsonAsync(new Uri("/api/inventory/movements", UriKind.Relative), new { movementId = "fwd-2", sku = "MUG #7 50% off", location = "east", type = "receipt", quantity = 4 })).Dispose();
        using var front = FrontClient();

        var slash = await front.GetFromJsonAsync<JsonElement>(new Uri("/api/inventory/" + Uri.EscapeDataString("FWD/RED/M"), UriKind.Relative));
        var others = await front.GetFromJsonAsync<JsonElement>(new Uri("/api/inventory/" + Uri.EscapeDataString("MUG #7 50% off"), UriKind.Relative));

        Assert.Equal(("FWD/RED/M", 3), (slash.GetProperty("sku").GetString(), slash.GetProperty("locations")[0].GetProperty("onHand").GetInt32()));
        Assert.Equal(("MUG #7 50% off", 4), (others.GetProperty("sku").GetString(), others.GetProperty("locations")[0].GetProperty("onHand").GetInt32()));
    }

    [Fact]
    public async Task Through_the_host_the_literal_text_percent_2F_in_an_id_reads_as_a_slash()
    {
        // The documented limit: the host decodes %25 but not %2F, so A%252FB and A%2FB reach the worker alike.
        using var front = FrontClient();
        using var response = await front.GetAsync(new Uri("/api/orders/" + Uri.EscapeDataString("edi:acme:PO%2F9"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'edi:acme:PO/9'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpClient FrontClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(_front.Urls.First()) };
        client.DefaultRequestHeaders.Add("x-functions-key", AppFactory.ApiKey);
        return client;
    }
}
