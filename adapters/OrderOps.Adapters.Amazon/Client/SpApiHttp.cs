using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// One SP-API call through the adapter's named <see cref="HttpClient"/> (token, rate limiter, retries and circuit
/// breaker are its handlers): builds the request, tags it with seller and operation for those handlers, and turns
/// Amazon's error documents into <see cref="SellingPartnerApiException"/>. Shared by the orders and feeds clients.
/// </summary>
internal static class SpApiHttp
{
    public static async Task<JsonNode?> SendAsync(
        IHttpClientFactory httpClientFactory,
        Uri endpoint,
        SpApiCall call,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, BuildUri(endpoint, call.Path, call.Parameters));
        request.Headers.Accept.ParseAdd("application/json");
        request.Options.Set(SpApiRequest.SellerId, call.SellerId);
        request.Options.Set(SpApiRequest.Operation, call.Operation);
        if (call.Body is { } body)
        {
            // Buffered content, so the retry and expired-token handlers can send the same request again.
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var client = httpClientFactory.CreateClient(SellingPartnerOrdersClient.HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;

        if (!response.IsSuccessStatusCode)
        {
            IReadOnlyList<SpApiError> errors;
            try
            {
                errors = SpApiErrors.Parse(text);
            }
            catch (JsonException)
            {
                errors = [];
            }

            throw new SellingPartnerApiException(call.Operation, response.StatusCode, errors, requestId);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null; // 204, as confirmShipment answers.
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new SellingPartnerApiException($"SP-API {call.Operation} returned a body that is not JSON (request id {requestId ?? "unknown"}).", ex);
        }
    }

    public static Uri BuildUri(Uri endpoint, string path, IReadOnlyList<(string Name, string Value)> parameters)
    {
        var builder = new StringBuilder(endpoint.AbsoluteUri.TrimEnd('/')).Append('/').Append(path);
        for (var i = 0; i < parameters.Count; i++)
        {
            builder.Append(i == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(parameters[i].Name))
                .Append('=')
                .Append(Uri.EscapeDataString(parameters[i].Value));
        }

        return new Uri(builder.ToString());
    }
}

/// <summary>What one SP-API call sends: whose account, which usage plan, where, and the JSON body if any.</summary>
internal sealed record SpApiCall(string SellerId, string Operation, HttpMethod Method, string Path)
{
    public IReadOnlyList<(string Name, string Value)> Parameters { get; init; } = [];

    public JsonNode? Body { get; init; }
}
