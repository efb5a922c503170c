using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.CustomHandler;

/// <summary>
/// Custom-handler mode: one <c>POST /{FunctionName}</c> endpoint per non-HTTP function, answering the Azure Functions
/// host's invocation envelope. A failed invocation answers 500 so the host retries or dead-letters the trigger.
/// </summary>
public static class EnvelopeEndpoints
{
    private static readonly JsonSerializerOptions EnvelopeJson = new(JsonSerializerDefaults.General) { PropertyNameCaseInsensitive = true };

    public static IEndpointRouteBuilder MapInvocationEnvelopes(this IEndpointRouteBuilder endpoints, FunctionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var function in registry.Functions.Where(f => f.Trigger is not HttpTrigger))
        {
            endpoints.MapPost("/" + function.Name, (HttpContext http, FunctionInvoker invoker, CancellationToken ct) => InvokeAsync(function, http, invoker, ct))
                .WithName("envelope:" + function.Name)
                .ExcludeFromDescription();
        }

        return endpoints;
    }

    private static async Task<IResult> InvokeAsync(FunctionDefinition function, HttpContext http, FunctionInvoker invoker, CancellationToken cancellationToken)
    {
        InvocationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<InvocationRequest>(http.Request.Body, EnvelopeJson, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Reply(StatusCodes.Status400BadRequest, new InvocationResponse(new Dictionary<string, object?>(), [$"The invocation envelope is not valid JSON: {ex.Message}"], null));
        }

        var data = request?.Data ?? [];
        if (!data.ContainsKey(function.Trigger.BindingName))
        {
            return Reply(StatusCodes.Status400BadRequest, new InvocationResponse(new Dictionary<string, object?>(), [$"The envelope has no Data.{function.Trigger.BindingName}."], null));
        }

        var outcome = await invoker.InvokeAsync(function, data, request?.Metadata ?? [], cancellationToken);
        var outputs = outcome.Result?.Outputs ?? new Dictionary<string, object?>();
        var response = new InvocationResponse(outputs, outcome.Context.Logs, outcome.Result?.ReturnValue);
        return Reply(outcome.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError, response);
    }

    // The envelope keeps Microsoft's PascalCase member names; values inside use OrderOps' JSON conventions.
    private static IResult Reply(int status, InvocationResponse response) =>
        Results.Json(
            new Dictionary<string, object?> { ["Outputs"] = response.Outputs, ["Logs"] = response.Logs, ["ReturnValue"] = response.ReturnValue },
            Core.Serialization.OrderOpsJson.Options,
            statusCode: status);
}
