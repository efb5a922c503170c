using System.Net.Http.Headers;
using System.Text.Json;

namespace OrderOps.Adapters.Http;

/// <summary>
/// JSON request bodies as the receivers we call expect them: serialised up front and sent with a Content-Length.
/// <c>JsonContent</c> streams without a length, so HTTP/1.1 sends it chunked, which many webhook receivers and proxies
/// refuse; a buffered body also goes out unchanged on every retry of a resilience pipeline.
/// </summary>
public static class JsonBody
{
    /// <param name="options">Serializer options; the web defaults (camelCase) as <c>JsonContent</c> uses when none are given.</param>
    public static ByteArrayContent Create<T>(T value, JsonSerializerOptions? options = null)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
