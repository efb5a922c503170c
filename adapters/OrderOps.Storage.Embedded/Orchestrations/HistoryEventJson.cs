using System.Collections.Frozen;
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

    private static readonly FrozenDictionary<EventType, Type> Types = HistoryEvent.KnownTypes()
        .ToFrozenDictionary(type => ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(type)).EventType);

    public static string Serialize(HistoryEvent historyEvent) => JsonConvert.SerializeObject(historyEvent, Settings);

    public static HistoryEvent Deserialize(int eventType, string json)
    {
        if (!Types.TryGetValue((EventType)eventType, out var type))
        {
            throw new InvalidDataException($"History event type {eventType} is not one DurableTask.Core knows.");
        }

        return (HistoryEvent)(JsonConvert.DeserializeObject(json, type, Settings)
            ?? throw new InvalidDataException($"History event of type {(EventType)eventType} is empty."));
    }

    /// <summary>Serializes a value that is not a history event (failure details, tags) the same way.</summary>
    public static string SerializeValue(object value) => JsonConvert.SerializeObject(value, Settings);

    public static T? DeserializeValue<T>(string? json) => json is null ? default : JsonConvert.DeserializeObject<T>(json, Settings);
}
