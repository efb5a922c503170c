using OrderOps.Hosting.Invocation;

namespace OrderOps.Hosting.Registry;

/// <summary>
/// The single source of truth for what functions exist. It drives the HTTP endpoints, the custom-handler
/// envelope endpoints, the standalone pumps, and the function.json files written at publish time.
/// </summary>
public sealed class FunctionRegistry
{
    private readonly List<FunctionDefinition> _functions = [];

    public IReadOnlyList<FunctionDefinition> Functions => _functions;

    public FunctionDefinition this[string name] =>
        _functions.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No function named '{name}' is registered.");

    public bool TryGet(string name, out FunctionDefinition definition)
    {
        definition = _functions.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return definition is not null;
    }

    public FunctionRegistry Add(FunctionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!IsValidName(definition.Name))
        {
            throw new ArgumentException($"'{definition.Name}' is not a valid function name: letters, digits, '-' and '_', starting with a letter.");
        }

        if (TryGet(definition.Name, out _))
        {
            throw new ArgumentException($"A function named '{definition.Name}' is already registered.");
        }

        var isHttp = definition.Trigger is HttpTrigger;
        if (isHttp && definition.HttpHandler is null)
        {
            throw new ArgumentException($"HTTP function '{definition.Name}' needs an HttpHandler.");
        }

        if (!isHttp && (definition.HandlerType is null || !typeof(IFunctionHandler).IsAssignableFrom(definition.HandlerType)))
        {
            throw new ArgumentException($"Function '{definition.Name}' needs a HandlerType implementing {nameof(IFunctionHandler)}.");
        }

        if (isHttp && definition.Outputs.Count > 0)
        {
            // HTTP requests are proxied to the app unchanged, and the Functions host only proxies functions whose
            // sole output is the HTTP response. HTTP handlers send through the IMessageQueue port instead.
            throw new ArgumentException($"HTTP function '{definition.Name}' cannot declare output bindings.");
        }

        _functions.Add(definition);
        return this;
    }

    public FunctionRegistry AddHttp(string name, string route, string method, HttpAuthLevel authLevel, Delegate handler) =>
        Add(new FunctionDefinition { Name = name, Trigger = new HttpTrigger(route, [method], authLevel), HttpHandler = handler });

    public FunctionRegistry AddQueue<THandler>(string name, QueueTrigger trigger, params OutputBinding[] outputs)
        where THandler : IFunctionHandler =>
        Add(new FunctionDefinition { Name = name, Trigger = trigger, HandlerType = typeof(THandler), Outputs = outputs });

    public FunctionRegistry AddTimer<THandler>(string name, TimerTrigger trigger, params OutputBinding[] outputs)
        where THandler : IFunctionHandler =>
        Add(new FunctionDefinition { Name = name, Trigger = trigger, HandlerType = typeof(THandler), Outputs = outputs });

    public FunctionRegistry AddChangeFeed<THandler>(string name, ChangeFeedTrigger trigger, params OutputBinding[] outputs)
        where THandler : IFunctionHandler =>
        Add(new FunctionDefinition { Name = name, Trigger = trigger, HandlerType = typeof(THandler), Outputs = outputs });

    public FunctionRegistry AddBlob<THandler>(string name, BlobTrigger trigger, params OutputBinding[] outputs)
        where THandler : IFunctionHandler =>
        Add(new FunctionDefinition { Name = name, Trigger = trigger, HandlerType = typeof(THandler), Outputs = outputs });

    private static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
