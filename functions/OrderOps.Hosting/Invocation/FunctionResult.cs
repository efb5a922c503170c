namespace OrderOps.Hosting.Invocation;

/// <summary>
/// What an invocation produced: a value per output binding name (<see cref="Outputs"/>) and the value of a
/// <c>$return</c> binding (<see cref="ReturnValue"/>).
/// </summary>
public sealed class FunctionResult
{
    public static FunctionResult Empty => new();

    public Dictionary<string, object?> Outputs { get; } = new(StringComparer.Ordinal);

    public object? ReturnValue { get; init; }

    public FunctionResult WithOutput(string bindingName, object? value)
    {
        Outputs[bindingName] = value;
        return this;
    }
}
