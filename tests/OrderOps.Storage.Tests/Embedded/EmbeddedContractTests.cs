using OrderOps.Core.Ports;
using OrderOps.Storage.Tests.Contracts;

namespace OrderOps.Storage.Tests.Embedded;

// The port contracts, run against the embedded backend (OrderOps.Testing.Storage.EmbeddedBackend).
public sealed class EmbeddedOrderStoreTests : OrderStoreContract
{
    protected override Task<IStorageBackend> CreateBackendAsync() => EmbeddedBackend.CreateAsync();
}

public sealed class EmbeddedKeyValueTests : KeyValueContracts
{
    protected override Task<IStorageBackend> CreateBackendAsync() => EmbeddedBackend.CreateAsync();
}

public sealed class EmbeddedStockAllocatorTests : StockAllocatorContract
{
    protected override Task<ILifecycleStorageBackend> CreateBackendAsync() => EmbeddedBackend.CreateLifecycleAsync();
}

public sealed class EmbeddedLifecycleExceptionStoreTests : LifecycleExceptionStoreContract
{
    protected override async Task<IExceptionStorageBackend> CreateBackendAsync() => await EmbeddedBackend.CreateLifecycleAsync();
}

public sealed class EmbeddedOrderOverviewTests : OrderOverviewContract
{
    protected override Task<(IStorageBackend, IOrderOverview)> CreateBackendAsync()
    {
        var backend = new EmbeddedBackend();
        return Task.FromResult<(IStorageBackend, IOrderOverview)>((backend, backend.Overview));
    }
}
