using OrderOps.Durable;

namespace OrderOps.Orchestration.Tests;

public sealed class SqliteOrchestrationFixture : OrchestrationHostFixture
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "orderops-durable-" + Guid.NewGuid().ToString("N"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }

    protected override void Configure(DurableRuntimeOptions options)
    {
        options.Backend = DurableBackend.Sqlite;
        options.Sqlite.DataDirectory = DataDirectory;
    }
}

public sealed class SqliteOrchestrationContractTests(SqliteOrchestrationFixture fixture)
    : OrchestrationContractTests(fixture), IClassFixture<SqliteOrchestrationFixture>;
