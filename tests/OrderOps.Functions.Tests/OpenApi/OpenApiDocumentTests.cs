using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.OpenApi;
using OrderOps.Functions.Composition;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Functions.Tests.OpenApi;

/// <summary>
/// <c>/openapi/v1.json</c> describes every HTTP function, with its key requirement and schemas, and the Function-app
/// composition (no standalone route table) produces the same document.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly IReadOnlyList<FunctionDescriptor> HttpFunctions =
        FunctionDiscovery.Discover(typeof(Program).Assembly).Where(f => f.Kind == TriggerKind.Http).ToList();

    [Fact]
    public async Task The_document_served_lists_every_http_function_with_its_key_requirement()
    {
        using var app = new AppFactory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertDescribesEveryFunction(document);
        Assert.Equal("x-functions-key", document["components"]!["securitySchemes"]!["functionKey"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Operations_carry_their_parameters_bodies_and_problem_answers()
    {
        using var app = new AppFactory();
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;

        var getOrder = document["paths"]!["/api/orders/{orderId}"]!["get"]!;
        Assert.Equal("orderId", getOrder["parameters"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("path", getOrder["parameters"]![0]!["in"]!.GetValue<string>());
        var ok = getOrder["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var orderSchema = document["components"]!["schemas"]![ok.Split('/')[^1]]!;
        Assert.NotNull(orderSchema["properties"]!["lifecycle"]);
        Assert.NotNull(getOrder["responses"]!["404"]!["content"]!["application/problem+json"]);
        Assert.NotNull(getOrder["responses"]!["401"]!["content"]!["application/problem+json"]);

        var listOrders = document["paths"]!["/api/orders"]!["get"]!;
        Assert.Contains("status", listOrders["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));

        var resolve = document["paths"]!["/api/exceptions/{exceptionId}/resolve"]!["post"]!;
        Assert.NotNull(resolve["requestBody"]!["content"]!["application/json"]!["schema"]);
    }

    [Fact]
    public async Task The_function_app_composition_produces_the_same_document_without_standalone_routes()
    {
        // What Program.cs registers under the Functions host: AddOrderOps alone, no MapStandaloneFunctions.
        var data = Path.Combine(Path.GetTempPath(), "orderops-openapi-" + Guid.NewGuid().ToString("N"));
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OrderOps:DataDirectory"] = data }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "OrderOps.Functions", EnvironmentName = "Production" });
            services.AddOrderOps(configuration);
            await using var provider = services.BuildServiceProvider();

            var document = await provider.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
            using var text = new StringWriter();
            await document.SerializeAsync(new OpenApiJsonWriter(text), OpenApiSpecVersion.OpenApi3_1);

            AssertDescribesEveryFunction(JsonNode.Parse(text.ToString())!);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static void AssertDescribesEveryFunction(JsonNode document)
    {
        Assert.NotEmpty(HttpFunctions);
        var paths = document["paths"]!.AsObject();
        var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        foreach (var function in HttpFunctions)
        {
            var trigger = (HttpTriggerAttribute)function.Trigger;
            // OpenAPI has no catch-all syntax: {*path} is written {path}.
            var path = "/" + trigger.Route!.TrimStart('/').Replace("{*", "{", StringComparison.Ordinal);
            foreach (var method in trigger.Methods!)
            {
                var found = operations.Where(o => o.Path == path && string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase)).ToList();
                var operation = Assert.Single(found, o => o.Operation["operationId"]?.GetValue<string>() == function.Name).Operation;
                var keyed = operation["security"] is JsonArray { Count: > 0 } security && security[0]!.AsObject().ContainsKey("functionKey");
                Assert.True(keyed == (trigger.AuthLevel != AuthorizationLevel.Anonymous), $"{function.Name}: security {operation["security"]?.ToJsonString()}");
                Assert.True(operation["responses"]!.AsObject().Count > 0, $"{function.Name} declares no responses.");
            }
        }

        // Nothing but the functions: every operation is one of them.
        Assert.Equal(HttpFunctions.Sum(f => ((HttpTriggerAttribute)f.Trigger).Methods!.Length), operations.Count);
    }
}
