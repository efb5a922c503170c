namespace OrderOps.Storage.Embedded.Orchestrations;

/// <summary>
/// Wakes a waiting dispatcher as soon as work is committed in this process, so an idle worker does not wait for its
/// next poll. Only a hint: dispatchers still poll (<see cref="SqliteOrchestrationOptions.PollInterval"/>) for timers
/// and for work written by other processes, so a missed signal costs latency, never work.
/// </summary>
internal sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try
            {
                _semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer woke the dispatcher first; one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
