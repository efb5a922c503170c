using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrderOps.Durable;

/// <summary>
/// Runs DurableTask.Core's <see cref="TaskHubWorker"/> over the configured orchestration service for the life of the
/// host. Stopping never hangs: in-flight work gets <see cref="DurableRuntimeOptions.ShutdownTimeout"/>, then the host
/// moves on and whatever had not finished runs again on the next start (its locks lapse).
/// </summary>
internal sealed partial class TaskHubWorkerService(
    IOrchestrationService service,
    RegisteredTasks tasks,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    IOptions<DurableRuntimeOptions> options,
    ILogger<TaskHubWorkerService> logger) : IHostedService, IAsyncDisposable
{
    private readonly Lock _stopGate = new();
    private TaskHubWorker? _worker;
    private Task? _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
        var worker = new TaskHubWorker(service, loggerFactory)
        {
            // The Microsoft.DurableTask shims read failures as FailureDetails (TaskFailedException.FailureDetails).
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        worker.AddOrchestrationDispatcherMiddleware(UnregisteredTaskMiddleware.OrchestrationAsync);
        worker.AddActivityDispatcherMiddleware(UnregisteredTaskMiddleware.ActivityAsync);
        tasks.AddTo(worker, services, shims);
        await worker.StartAsync().WaitAsync(cancellationToken);
        _worker = worker;
        Log.Started(logger, service.GetType().Name, options.Value.TaskHubName);
    }

    /// <summary>
    /// Stops the worker once; every caller waits for that one stop. The host can be stopped twice at once (a test's
    /// WebApplicationFactory and the app's own RunAsync both stop it, and the second then disposes the services): a
    /// caller that returned at once would let the orchestration service be disposed under the stop still running.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            if (Interlocked.Exchange(ref _worker, null) is { } worker)
            {
                _stopped = StopWorkerAsync(worker, cancellationToken);
            }

            return _stopped ?? Task.CompletedTask;
        }
    }

    private async Task StopWorkerAsync(TaskHubWorker worker, CancellationToken cancellationToken)
    {
        try
        {
            await worker.StopAsync(isForced: true).WaitAsync(options.Value.ShutdownTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Log.StopTimedOut(logger, options.Value.ShutdownTimeout);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Durable task worker started on {Service}, task hub {TaskHub}")]
        public static partial void Started(ILogger logger, string service, string taskHub);

        [LoggerMessage(2, LogLevel.Warning, "Durable task worker did not stop within {Timeout}; unfinished work runs again on the next start")]
        public static partial void StopTimedOut(ILogger logger, TimeSpan timeout);
    }
}
