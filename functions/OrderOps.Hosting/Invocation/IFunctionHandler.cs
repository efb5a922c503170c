namespace OrderOps.Hosting.Invocation;

/// <summary>
/// The code of a non-HTTP function. It is created per invocation from DI, gets the trigger's data, and returns the
/// values of its output bindings. Throwing fails the invocation: the message is retried, then dead-lettered.
/// Handlers stay thin: parse the trigger, call the core, return.
/// </summary>
public interface IFunctionHandler
{
    Task<FunctionResult> InvokeAsync(FunctionContext context, CancellationToken cancellationToken);
}
