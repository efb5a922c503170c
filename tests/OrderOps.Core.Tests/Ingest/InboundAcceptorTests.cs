using System.Text;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Tests.Ingest;

public sealed class InboundAcceptorTests : IAsyncLifetime
{
    private readonly EmbeddedBackend _ports = new();
    private readonly InboundAcceptor _acceptor;

    public InboundAcceptorTests()
    {
        _acceptor = new InboundAcceptor(_ports.Archive, _ports.Queue, _ports.Keys, _ports.Time, new IngestOptions { DeliveryKeyRetention = TimeSpan.FromHours(1) });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _ports.DisposeAsync().AsTask();

    [Fact]
    public async Task Accepting_archives_the_body_and_queues_a_claim_check()
    {
        var outcome = await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default);

        Assert.Equal(AcceptOutcome.Accepted, outcome);
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString((await _ports.Archive.GetAsync("shopify:shop:a", default))!.Body.Span));
        var message = Assert.Single(await _ports.Receiver!.ReceiveAsync(QueueNames.Ingest, 10, TimeSpan.FromMinutes(1), default));
        Assert.Equal(new IngestMessage("shopify:shop:a", Channels.Shopify, "orders/create"), OrderOpsJson.Deserialize<IngestMessage>(message.Body));
    }

    [Fact]
    public async Task A_repeated_delivery_is_a_duplicate_and_queues_nothing_more()
    {
        await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default);

        Assert.Equal(AcceptOutcome.Duplicate, await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default));
        Assert.Equal(1, await _ports.Receiver!.CountAsync(QueueNames.Ingest, default));
    }

    [Fact]
    public async Task After_the_retention_a_delivery_is_accepted_again_and_ingest_stays_idempotent_by_order()
    {
        await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default);
        _ports.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(AcceptOutcome.Accepted, await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default));
    }

    [Fact]
    public async Task Topics_that_are_not_orders_are_archived_without_ingest()
    {
        Assert.Equal(AcceptOutcome.Archived, await _acceptor.AcceptAsync(Payload("p"), "delivery-p", ingest: false, default));
        Assert.NotNull(await _ports.Archive.GetAsync("shopify:shop:p", default));
        Assert.Equal(0, await _ports.Receiver!.CountAsync(QueueNames.Ingest, default));
    }

    [Fact]
    public async Task Of_ten_concurrent_deliveries_one_is_accepted_and_none_of_the_others_claims_to_be()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default))));

        Assert.Equal(1, outcomes.Count(o => o == AcceptOutcome.Accepted));
        Assert.All(outcomes.Where(o => o != AcceptOutcome.Accepted), o => Assert.True(o is AcceptOutcome.Duplicate or AcceptOutcome.InProgress, o.ToString()));
        Assert.Equal(1, await _ports.Receiver!.CountAsync(QueueNames.Ingest, default));
        Assert.Equal(AcceptOutcome.Duplicate, await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default));
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_delivery_holds_off_others_only_until_it_lapses()
    {
        // What a process killed between claiming and archiving leaves behind.
        await _ports.Keys.TryRecordAsync("claim:delivery-a", _ports.Time.GetUtcNow() + TimeSpan.FromMinutes(2), default);

        Assert.Equal(AcceptOutcome.InProgress, await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default));
        Assert.Equal(0, await _ports.Receiver!.CountAsync(QueueNames.Ingest, default));

        _ports.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(AcceptOutcome.Accepted, await _acceptor.AcceptAsync(Payload("a"), "delivery-a", ingest: true, default));
        Assert.Equal(1, await _ports.Receiver!.CountAsync(QueueNames.Ingest, default));
    }

    private RawPayload Payload(string id) => new()
    {
        Id = $"shopify:shop:{id}",
        Channel = Channels.Shopify,
        Kind = "orders/create",
        ReceivedAt = _ports.Time.GetUtcNow(),
        Body = Encoding.UTF8.GetBytes("{\"id\":1}"),
    };
}
