using System.Text.Json;

namespace OrderOps.Hosting.Invocation;

/// <summary>
/// One invocation's input, in the shape of the custom-handler envelope: <see cref="Data"/> has one entry per
/// trigger or input binding; <see cref="Metadata"/> has trigger metadata and <c>sys</c>.
/// </summary>
public sealed class FunctionContext
{
    private readonly List<string> _logs = [];

    public required string FunctionName { get; init; }

    public required string InvocationId { get; init; }

    /// <summary>The trigger binding's name (the key of <see cref="TriggerValue"/> in <see cref="Data"/>).</summary>
    public required string TriggerBindingName { get; init; }

    public required IReadOnlyDictionary<string, JsonElement> Data { get; init; }

    public required IReadOnlyDictionary<string, JsonElement> Metadata { get; init; }

    public JsonElement TriggerValue =>
        Data.TryGetValue(TriggerBindingName, out var value) ? value : throw new FunctionInputException($"The envelope has no Data.{TriggerBindingName}.");

    /// <summary>
    /// The trigger value as text. Queue messages arrive as a JSON string holding the body (as in Microsoft's
    /// documented envelope); a host may also pass a JSON body as an object, which is returned as its raw JSON.
    /// </summary>
    public string TriggerText => TriggerValue.ValueKind == JsonValueKind.String ? TriggerValue.GetString()! : TriggerValue.GetRawText();

    /// <summary>The trigger's message id (Service Bus <c>MessageId</c>), when the trigger has one.</summary>
    public string? MessageId => Metadata.TryGetValue("MessageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>Messages returned to the Functions host in the envelope's <c>Logs</c>. Never put secrets or personal data here.</summary>
    public IReadOnlyList<string> Logs => _logs;

    public void Log(string message) => _logs.Add(message);
}

/// <summary>The invocation's input is not what the trigger promises.</summary>
public sealed class FunctionInputException(string message) : Exception(message);
