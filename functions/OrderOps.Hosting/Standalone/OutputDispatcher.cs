using System.Text.Json;
using Microsoft.Extensions.Options;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Hosting.Invocation;
using OrderOps.Hosting.Registry;

namespace OrderOps.Hosting.Standalone;

/// <summary>
/// Does in standalone mode what the Functions host does with a reply's <c>Outputs</c>: sends each queue output's
/// messages and writes each blob output's file. Message ids derive from the triggering message, so a redelivered
/// trigger does not double its outputs; a blob output rewritten on redelivery gets the same content.
/// </summary>
public sealed class OutputDispatcher(IMessageQueue queue, IOptions<StandaloneOptions> options)
{
    public async Task DispatchAsync(FunctionDefinition function, FunctionContext context, FunctionResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(result);
        foreach (var (name, value) in result.Outputs)
        {
            var binding = function.Outputs.FirstOrDefault(o => o.Name == name)
                ?? throw new InvalidOperationException($"Function '{function.Name}' returned output '{name}', which it does not declare.");
            if (value is null)
            {
                continue;
            }

            if (binding is BlobOutput blobOutput)
            {
                var path = Path.Combine(BlobFolders.Root(options.Value), BlobFolders.Resolve(blobOutput.Path, context.Metadata));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, value as string ?? OrderOpsJson.Serialize(value), cancellationToken);
                continue;
            }

            if (binding is not QueueOutput queueOutput)
            {
                continue;
            }

            var origin = context.MessageId ?? context.InvocationId;
            var index = 0;
            foreach (var message in Messages(value))
            {
                await queue.SendAsync(queueOutput.QueueName, new QueueMessage { MessageId = $"{origin}:{function.Name}:{name}:{index++}", Body = message }, cancellationToken);
            }
        }
    }

    /// <summary>One value is one message; an array (not a string) is one message per element.</summary>
    public static IEnumerable<string> Messages(object value) => value switch
    {
        string text => [text],
        JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(AsText),
        JsonElement element => [AsText(element)],
        System.Collections.IEnumerable items and not IDictionary<string, object?> => items.Cast<object>().Select(item => item as string ?? OrderOpsJson.Serialize(item)),
        _ => [OrderOpsJson.Serialize(value)],
    };

    private static string AsText(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
