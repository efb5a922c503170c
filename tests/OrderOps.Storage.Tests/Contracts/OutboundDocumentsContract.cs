using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>The EDI outbox port: replace on write, write-once on create-if-absent, read back.</summary>
public abstract class OutboundDocumentsContract : IAsyncLifetime
{
    private IOutboundDocuments _documents = null!;
    private Func<Task> _cleanup = () => Task.CompletedTask;

    /// <summary>A fresh container name for this test; the backend need not have created it yet.</summary>
    protected string Container { get; } = "outbox-" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync() => (_documents, _cleanup) = await CreateAsync();

    public Task DisposeAsync() => _cleanup();

    /// <summary>The backend's documents and how to delete what the test wrote in <see cref="Container"/>.</summary>
    protected abstract Task<(IOutboundDocuments Documents, Func<Task> Cleanup)> CreateAsync();

    [ContractFact]
    public async Task Reading_a_missing_document_or_container_is_null()
    {
        Assert.Null(await _documents.ReadAsync(Container, "acme/855-PO1.x12", default));
        await _documents.WriteAsync(Container, "acme/other.x12", "x", default);
        Assert.Null(await _documents.ReadAsync(Container, "acme/855-PO1.x12", default));
    }

    [ContractFact]
    public async Task Writing_again_replaces_the_document()
    {
        await _documents.WriteAsync(Container, "acme/846-000000001.x12", "ISA*first~", default);
        await _documents.WriteAsync(Container, "acme/846-000000001.x12", "ISA*second~", default);

        Assert.Equal("ISA*second~", await _documents.ReadAsync(Container, "acme/846-000000001.x12", default));
    }

    [ContractFact]
    public async Task Create_if_absent_writes_once_and_keeps_the_first_content()
    {
        Assert.True(await _documents.CreateIfAbsentAsync(Container, "acme/856-PO1_S1.x12", "ISA*first~", default));
        Assert.False(await _documents.CreateIfAbsentAsync(Container, "acme/856-PO1_S1.x12", "ISA*second~", default));

        Assert.Equal("ISA*first~", await _documents.ReadAsync(Container, "acme/856-PO1_S1.x12", default));
        Assert.True(await _documents.CreateIfAbsentAsync(Container, "acme/856-PO1_S2.x12", "ISA*other~", default));
    }

    [ContractFact]
    public async Task Of_concurrent_creates_of_one_name_exactly_one_writes()
    {
        var attempts = Enumerable.Range(0, 8).Select(i => _documents.CreateIfAbsentAsync(Container, "acme/855-PO9.x12", $"ISA*{i}~", default)).ToList();

        var written = await Task.WhenAll(attempts);

        var winner = Assert.Single(Enumerable.Range(0, 8), i => written[i]);
        Assert.Equal($"ISA*{winner}~", await _documents.ReadAsync(Container, "acme/855-PO9.x12", default));
    }
}
