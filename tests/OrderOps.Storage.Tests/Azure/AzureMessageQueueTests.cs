using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure;
using OrderOps.Storage.Azure.Messaging;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Azure;

[NeedsAzureServices]
public sealed class AzureMessageQueueTests : MessageQueueContract
{
    protected override async Task<IQueueBackend> CreateBackendAsync() => await AzureQueueBackend.CreateAsync();

    /// <summary>
    /// Under the Functions host the app does not settle messages: the worker middleware records each failure and the
    /// host copies the body to the poison queue as a new message. The dead-letter list still finds the last error.
    /// </summary>
    [ContractFact]
    public async Task A_message_poisoned_by_the_Functions_host_is_listed_with_the_error_its_middleware_recorded()
    {
        await using var backend = await AzureQueueBackend.CreateAsync();
        var queue = backend.QueuePrefix + "ingest";
        const string body = "{\"archiveId\":\"a-1\"}";
        await backend.Failures.RecordFailureAsync(queue, body, 4, "first", default);
        await backend.Failures.RecordFailureAsync(queue, body, 5, "last", default);
        var poison = backend.Queues.GetQueueClient(StorageQueueMessaging.PoisonQueueName(queue));
        await poison.CreateAsync();
        await poison.SendMessageAsync(body);
        await poison.SendMessageAsync("{\"archiveId\":\"never-recorded\"}");

        var dead = await backend.Receiver.ListDeadLettersAsync(queue, 100, default);

        Assert.Equal(2, dead.Count);
        var known = Assert.Single(dead, d => d.Body == body);
        Assert.Equal((5, "last"), (known.DeliveryCount, known.LastError));
        Assert.Equal("(no failure was recorded for this message)", Assert.Single(dead, d => d.Body != body).LastError);
    }
}

/// <summary>
/// Storage queues (Azurite in the tests) under a prefix unique to the test, and a fresh failure table. The service
/// keeps visibility in real time, so the clock is the system's and the retry policy short (3 deliveries, 1–2 s backoff).
/// </summary>
internal sealed class AzureQueueBackend : IQueueBackend
{
    private readonly QueueServiceClient _queues;
    private readonly TableClient _failures;

    private AzureQueueBackend(QueueServiceClient queues, TableClient failures, string prefix)
    {
        _queues = queues;
        _failures = failures;
        QueuePrefix = prefix;
        Failures = new TableQueueFailureRecorder(failures, TimeProvider.System);
        Messaging = new StorageQueueMessaging(queues, Failures, RetryPolicy, TimeProvider.System,
            createIfMissing: true, NullLogger<StorageQueueMessaging>.Instance);
    }

    public StorageQueueMessaging Messaging { get; }

    public IQueueFailureRecorder Failures { get; }

    public QueueServiceClient Queues => _queues;

    public IMessageQueue Queue => Messaging;

    public IQueueReceiver Receiver => Messaging;

    public QueueRetryPolicy RetryPolicy { get; } = new() { MaxDeliveryCount = 3, InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(2) };

    public string QueuePrefix { get; }

    public DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public Task LetTimePassAsync(TimeSpan span) => Task.Delay(span);

    public static async Task<AzureQueueBackend> CreateAsync()
    {
        if (AzureTestEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"ORDEROPS_REQUIRE_AZURE_TESTS is set but the Azure services are not configured: {missing}.");
        }

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var queues = new QueueServiceClient(AzureTestEnvironment.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var failures = new TableServiceClient(AzureTestEnvironment.StorageConnectionString).GetTableClient("queuefailures" + suffix);
        await failures.CreateIfNotExistsAsync();
        return new AzureQueueBackend(queues, failures, $"t{suffix}-");
    }

    public async ValueTask DisposeAsync()
    {
        await foreach (var queue in _queues.GetQueuesAsync(prefix: QueuePrefix))
        {
            await _queues.DeleteQueueAsync(queue.Name);
        }

        await _failures.DeleteAsync();
    }
}
