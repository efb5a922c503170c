namespace OrderOps.Core.Events;

/// <summary>
/// Who receives which event types: the configured webhook subscribers and, on Azure, the Service Bus topic. The stores
/// ask it inside their commits which deliveries to write, so it must not change while the app runs (restart to change
/// subscribers); a subscriber added later receives events committed from then on.
/// </summary>
public sealed class EventSubscriptions
{
    private readonly Dictionary<string, HashSet<string>?> _types;

    /// <param name="subscribers">Name → the types it wants (empty or null: every type).</param>
    public EventSubscriptions(IEnumerable<KeyValuePair<string, IReadOnlyCollection<string>?>> subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _types = new(StringComparer.Ordinal);
        foreach (var (name, types) in subscribers)
        {
            _types[name] = types is { Count: > 0 } ? types.ToHashSet(StringComparer.Ordinal) : null;
        }
    }

    /// <summary>No subscribers: the stores write no deliveries.</summary>
    public static EventSubscriptions None { get; } = new([]);

    public IReadOnlyCollection<string> Subscribers => _types.Keys;

    public bool Any => _types.Count > 0;

    public bool IsKnown(string subscriber) => _types.ContainsKey(subscriber);

    /// <summary>The subscribers that take <paramref name="type"/>, in name order.</summary>
    public IEnumerable<string> SubscribersFor(string type) =>
        _types.Where(s => s.Value is null || s.Value.Contains(type)).Select(s => s.Key).Order(StringComparer.Ordinal);

    /// <summary>Every (subscriber, event) delivery the events make.</summary>
    public IEnumerable<(string Subscriber, OutboundEvent Event)> DeliveriesOf(IEnumerable<OutboundEvent> events) =>
        events.SelectMany(e => SubscribersFor(e.Type).Select(s => (s, e)));
}
