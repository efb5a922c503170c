using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Durable;
using OrderOps.Testing.Azure;

namespace OrderOps.Orchestration.Tests;

/// <summary>DurableTask.AzureStorage on Azurite: a task hub of its own per run, deleted afterwards.</summary>
public sealed class AzureStorageOrchestrationFixture : OrchestrationHostFixture
{
    private readonly string _taskHub = "orch" + Guid.NewGuid().ToString("N")[..12];

    public override async Task DisposeAsync()
    {
        if (NotAvailable is null)
        {
            var service = Services.GetRequiredService<IOrchestrationService>();
            await base.DisposeAsync();
            await service.DeleteAsync();
        }
    }

    protected override string? NotAvailable => NeedsAzureStorageAttribute.Reason;

    protected override void Configure(DurableRuntimeOptions options)
    {
        options.Backend = DurableBackend.AzureStorage;
        options.TaskHubName = _taskHub;
        options.AzureStorageConnectionString = AzureTestEnvironment.StorageConnectionString;
        options.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
    }
}

/// <summary>Skips with the reason when no Storage emulator is configured, unless the Azure tests are required (then they fail).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsAzureStorageAttribute : Attribute, IContractPrecondition
{
    public static string? Reason =>
        AzureTestEnvironment.StorageConnectionString is null && !AzureTestEnvironment.Required
            ? "DurableTask.AzureStorage tests need Azurite: ORDEROPS_STORAGE_CONNECTION_STRING is not set. Run ./test.sh, or tests/emulators/start.sh DIR and source DIR/env."
            : null;

    public string? SkipReason => Reason;
}

[NeedsAzureStorage]
public sealed class AzureStorageOrchestrationContractTests(AzureStorageOrchestrationFixture fixture)
    : OrchestrationContractTests(fixture), IClassFixture<AzureStorageOrchestrationFixture>;
