using System.Text;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>Idempotency keys, checkpoints, the raw archive and ingest failures: the small ports.</summary>
public abstract class KeyValueContracts : IAsyncLifetime
{
    private IStorageBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IStorageBackend> CreateBackendAsync();

    [ContractFact]
    public async Task An_idempotency_key_is_recorded_once_until_it_expires()
    {
        var expires = _backend.Time.GetUtcNow().AddMinutes(5);

        Assert.True(await _backend.Keys.TryRecordAsync("k", expires, default));
        Assert.False(await _backend.Keys.TryRecordAsync("k", expires, default));
        Assert.True(await _backend.Keys.ExistsAsync("k", default));

        _backend.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.False(await _backend.Keys.ExistsAsync("k", default));
        Assert.True(await _backend.Keys.TryRecordAsync("k", _backend.Time.GetUtcNow().AddMinutes(5), default));
    }

    [ContractFact]
    public async Task Purging_forgets_only_expired_keys()
    {
        await _backend.Keys.TryRecordAsync("old", _backend.Time.GetUtcNow().AddMinutes(1), default);
        await _backend.Keys.TryRecordAsync("new", _backend.Time.GetUtcNow().AddDays(1), default);

        Assert.Equal(1, await _backend.Keys.PurgeExpiredAsync(_backend.Time.GetUtcNow().AddMinutes(2), default));
        Assert.True(await _backend.Keys.ExistsAsync("new", default));
    }

    [ContractFact]
    public async Task Checkpoints_are_overwritten_and_survive()
    {
        Assert.Null(await _backend.Checkpoints.GetAsync("amazon:A1:ATVPDKIKX0DER", default));
        await _backend.Checkpoints.SetAsync("amazon:A1:ATVPDKIKX0DER", "2026-01-01T00:00:00Z", default);
        await _backend.Checkpoints.SetAsync("amazon:A1:ATVPDKIKX0DER", "2026-01-02T00:00:00Z", default);
        Assert.Equal("2026-01-02T00:00:00Z", await _backend.Checkpoints.GetAsync("amazon:A1:ATVPDKIKX0DER", default));
    }

    [ContractFact]
    public async Task The_archive_keeps_the_first_copy_byte_for_byte_with_headers()
    {
        var body = new byte[] { 0x7b, 0x00, 0xff, 0x7d };
        var payload = new RawPayload
        {
            Id = "shopify:shop:1",
            Channel = "shopify",
            Account = "shop",
            Kind = "orders/create",
            ReceivedAt = _backend.Time.GetUtcNow(),
            ContentType = "application/json",
            Headers = new Dictionary<string, string> { ["X-Shopify-Topic"] = "orders/create" },
            Body = body,
        };
        await _backend.Archive.ArchiveAsync(payload, default);
        await _backend.Archive.ArchiveAsync(payload with { Body = Encoding.UTF8.GetBytes("second") }, default);

        var read = await _backend.Archive.GetAsync("shopify:shop:1", default);

        Assert.NotNull(read);
        Assert.Equal(body, read.Body.ToArray());
        Assert.Equal(("shop", "orders/create", "application/json", payload.ReceivedAt), (read.Account, read.Kind, read.ContentType, read.ReceivedAt));
        Assert.Equal("orders/create", read.Headers["X-Shopify-Topic"]);
        Assert.Null(await _backend.Archive.GetAsync("missing", default));
    }

    [ContractFact]
    public async Task A_streamed_body_is_archived_and_read_back_as_a_stream_byte_for_byte()
    {
        // 3 MB + 1: several SDK blocks / blob-stream buffers, not a multiple of any of them.
        var body = new byte[(3 * 1024 * 1024) + 1];
        new Random(7).NextBytes(body);
        var payload = new RawPayload { Id = "edi:acme:big", Channel = "edi", Account = "acme", Kind = "x12", ReceivedAt = _backend.Time.GetUtcNow(), Body = ReadOnlyMemory<byte>.Empty };
        using (var source = new MemoryStream(body))
        {
            await _backend.Archive.ArchiveAsync(payload, source, default);
        }

        using (var second = new MemoryStream(Encoding.UTF8.GetBytes("second")))
        {
            await _backend.Archive.ArchiveAsync(payload, second, default);
        }

        await using (var read = await _backend.Archive.OpenAsync("edi:acme:big", default))
        {
            Assert.NotNull(read);
            Assert.Equal(("acme", "x12", payload.ReceivedAt), (read.Payload.Account, read.Payload.Kind, read.Payload.ReceivedAt));
            using var copy = new MemoryStream();
            await read.Body.CopyToAsync(copy);
            Assert.Equal(body, copy.ToArray());
        }

        Assert.Equal(body, (await _backend.Archive.GetAsync("edi:acme:big", default))!.Body.ToArray());
        Assert.Null(await _backend.Archive.OpenAsync("missing", default));
    }

    [ContractFact]
    public async Task Concurrent_records_of_one_key_let_exactly_one_through()
    {
        var expires = _backend.Time.GetUtcNow().AddMinutes(2);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => _backend.Keys.TryRecordAsync("claim:k", expires, default))));
        Assert.Single(results, r => r);
    }

    [ContractFact]
    public async Task A_forgotten_key_can_be_recorded_again_at_once()
    {
        var expires = _backend.Time.GetUtcNow().AddMinutes(2);
        Assert.True(await _backend.Keys.TryRecordAsync("claim:f", expires, default));
        await _backend.Keys.ForgetAsync("claim:f", default);
        await _backend.Keys.ForgetAsync("never-recorded", default);

        Assert.False(await _backend.Keys.ExistsAsync("claim:f", default));
        Assert.True(await _backend.Keys.TryRecordAsync("claim:f", expires, default));
    }

    [ContractFact]
    public async Task Ingest_failures_list_newest_first_filtered_by_channel()
    {
        await _backend.Failures.RecordAsync(Failure("a", "shopify"), default);
        _backend.Time.Advance(TimeSpan.FromSeconds(1));
        await _backend.Failures.RecordAsync(Failure("b", "amazon") with { Errors = ["currency: bad"] }, default);
        _backend.Time.Advance(TimeSpan.FromSeconds(1));
        await _backend.Failures.RecordAsync(Failure("c", "shopify"), default);

        Assert.Equal(["c", "b", "a"], (await _backend.Failures.ListAsync(null, 10, default)).Select(f => f.ArchiveId));
        Assert.Equal(["c", "a"], (await _backend.Failures.ListAsync("shopify", 10, default)).Select(f => f.ArchiveId));
        Assert.Equal(["currency: bad"], (await _backend.Failures.ListAsync("amazon", 10, default))[0].Errors);
    }

    private IngestFailure Failure(string id, string channel) =>
        new() { ArchiveId = id, Channel = channel, Kind = "k", Reason = "r", At = _backend.Time.GetUtcNow() };
}
