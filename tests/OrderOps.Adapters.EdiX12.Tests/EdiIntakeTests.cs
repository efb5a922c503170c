using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Intake;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Adapters.EdiX12.Tests.Support;
using OrderOps.Core.Ingest;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Archive;
using OrderOps.Storage.Embedded.Keys;
using OrderOps.Storage.Embedded.Messaging;
using Xunit;

namespace OrderOps.Adapters.EdiX12.Tests;

/// <summary>The intake remembers interchanges only after their file is archived and queued.</summary>
public sealed class EdiIntakeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-edi-intake", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private readonly FlakyQueue _queue;
    private readonly EdiIntake _intake;
    private readonly SqliteIdempotencyStore _keys;

    public EdiIntakeTests()
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        var time = TimeProvider.System;
        _keys = new SqliteIdempotencyStore(_database, time);
        _queue = new FlakyQueue(new SqliteMessageQueue(_database, time, new QueueRetryPolicy(), new QueueSignal()));
        var archive = new SqliteRawArchive(_database);
        var options = new EdiOptions { InterchangeReceiverQualifier = "01", InterchangeReceiverId = "999999999" };
        options.Partners["xyz-retail"] = new EdiPartnerOptions { InterchangeSenderQualifier = "12", InterchangeSenderId = "4405197800" };
        _intake = new EdiIntake(options, _keys, new InboundAcceptor(archive, _queue, _keys, time, new IngestOptions()), archive, new SqliteIngestFailureStore(_database), new PersistentControlNumbers(new SqliteCheckpointStore(_database, time)), time);
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_crash_before_the_file_is_queued_leaves_the_resend_a_normal_delivery_not_a_duplicate()
    {
        var file = Fixture.Bytes("x12_nodex12_850.edi");
        _queue.FailNextSend = true;

        await Assert.ThrowsAsync<IOException>(() => _intake.ReceiveAsync(file, "test", default));
        Assert.False(await _keys.ExistsAsync("edi:interchange:12:4405197800:000003438", default));

        var resent = await _intake.ReceiveAsync(file, "test", default);

        Assert.Equal(EdiInterchangeStatus.Processed, Assert.Single(resent.Processing!.Interchanges).Status);
        Assert.Equal(1, resent.OrderCount);
        Assert.Equal(1, _queue.Sent);
        var duplicate = await _intake.ReceiveAsync(file, "test", default);
        Assert.Equal(EdiInterchangeStatus.Duplicate, Assert.Single(duplicate.Processing!.Interchanges).Status);
        Assert.Equal(1, _queue.Sent);
    }

    private sealed class FlakyQueue(IMessageQueue inner) : IMessageQueue
    {
        public bool FailNextSend { get; set; }

        public int Sent { get; private set; }

        public async Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
        {
            if (FailNextSend)
            {
                FailNextSend = false;
                throw new IOException("the process died here");
            }

            await inner.SendAsync(queueName, message, cancellationToken);
            Sent++;
        }
    }
}
