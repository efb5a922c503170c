using System.Text.Json;

namespace OrderOps.Functions;

/// <summary>Reading a queue-triggered function's message.</summary>
internal static class QueueMessages
{
    /// <summary>
    /// The message parsed, or an exception saying what it is not. Retrying cannot make it readable, so it fails every
    /// delivery and ends in the poison queue with this reason beside it.
    /// </summary>
    public static T Parse<T>(string body, Func<string, T> parse, string expected)
    {
        try
        {
            return parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The message is not {expected}: {ex.Message}", ex);
        }
    }
}
