namespace OrderOps.Core.Ports;

/// <summary>Small named values that must survive restarts: poller watermarks, last-run marks.</summary>
public interface ICheckpointStore
{
    Task<string?> GetAsync(string name, CancellationToken cancellationToken);

    Task SetAsync(string name, string value, CancellationToken cancellationToken);
}
