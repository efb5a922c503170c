using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using DurableTask.Core.History;
using Newtonsoft.Json;

namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// Stores a DurableTask.Core history event as its <see cref="EventType"/> (a column) plus its JSON. The type column
/// picks the class on the way back, so no type names travel in the JSON (no <c>TypeNameHandling</c>, whose
/// polymorphic deserialization is a known hazard). Newtonsoft.Json because DurableTask.Core's event classes are
/// written for it (DataContract members, non-public constructors) and it is already DurableTask.Core's dependency.
/// </summary>
internal static class HistoryEventJson
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        NullValueHandling = NullValueHandling.Ignore,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        TypeNameHandling = TypeNameHandling.None,
    };

    /// <summary>One serializer for every call (creating one per call is most of a small payload's cost).</summary>
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    private static readonly FrozenDictionary<EventType, Type> Types = HistoryEvent.KnownTypes()
        .ToFrozenDictionary(type => ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(type)).EventType);

    public static string Serialize(HistoryEvent historyEvent) => SerializeValue(historyEvent);

    public static HistoryEvent Deserialize(int eventType, string json)
    {
        if (!Types.TryGetValue((EventType)eventType, out var type))
        {
            throw new InvalidDataException($"History event type {eventType} is not one DurableTask.Core knows.");
        }

        return (HistoryEvent)(Read(json, type)
            ?? throw new InvalidDataException($"History event of type {(EventType)eventType} is empty."));
    }

    /// <summary>Serializes a value that is not a history event (failure details, tags) the same way.</summary>
    public static string SerializeValue(object value)
    {
        using var text = new StringWriter(new System.Text.StringBuilder(256), CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { ArrayPool = PooledChars.Instance, Formatting = Formatting.None })
        {
            Serializer.Serialize(writer, value);
        }

        return text.ToString();
    }

    public static T? DeserializeValue<T>(string? json) => json is null ? default : (T?)Read(json, typeof(T));

    /// <summary>Reads with pooled buffers: every episode reads its whole history, so fresh buffers per event add up.</summary>
    private static object? Read(string json, Type type)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { ArrayPool = PooledChars.Instance, DateTimeZoneHandling = DateTimeZoneHandling.Utc };
        return Serializer.Deserialize(reader, type);
    }

    private sealed class PooledChars : IArrayPool<char>
    {
        public static readonly PooledChars Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }
}
