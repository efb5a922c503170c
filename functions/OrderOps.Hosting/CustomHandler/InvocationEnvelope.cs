using System.Text.Json;

namespace OrderOps.Hosting.CustomHandler;

/// <summary>
/// The request the Functions host POSTs to <c>/{FunctionName}</c> (functions-custom-handlers.md): <c>Data</c> has
/// one key per trigger/input binding, <c>Metadata</c> the trigger metadata and <c>sys</c>.
/// </summary>
public sealed record InvocationRequest(Dictionary<string, JsonElement>? Data, Dictionary<string, JsonElement>? Metadata);

/// <summary>
/// The reply: <c>Outputs</c> has one key per output binding, <c>Logs</c> goes to the host's invocation log, and
/// <c>ReturnValue</c> feeds an output named <c>$return</c>. All three are always present; null is valid.
/// </summary>
public sealed record InvocationResponse(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<string> Logs, object? ReturnValue);
