using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using OrderOps.Hosting.Discovery;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>Standalone mode refuses, at start and by name, a function it could not call the way the worker would.</summary>
public sealed class FunctionDiscoveryTests
{
    [Fact]
    public void Every_function_of_the_app_is_one_standalone_mode_can_drive()
    {
        var functions = FunctionDiscovery.Discover(typeof(Program).Assembly);

        Assert.Equal(
            [TriggerKind.Http, TriggerKind.Timer, TriggerKind.Queue, TriggerKind.Blob, TriggerKind.Orchestration, TriggerKind.Activity],
            functions.Select(f => f.Kind).Distinct().Order());
    }

    [Theory]
    [InlineData(nameof(Samples.TakesFunctionContext), "'context' (FunctionContext)")]
    [InlineData(nameof(Samples.TakesAService), "'clock' (TimeProvider)")]
    [InlineData(nameof(Samples.NamesAnUnknownRouteValue), "'orderId' (String)")]
    [InlineData(nameof(Samples.HasNoTrigger), "exactly one trigger parameter")]
    [InlineData(nameof(Samples.WantsTheMessageAsBytes), "supplies String")]
    public void A_function_standalone_mode_cannot_call_is_refused_with_its_name(string method, string reason)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => FunctionDiscovery.Describe(typeof(Samples).GetMethod(method)!));

        Assert.Contains($"'{method}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_path_standalone_mode_cannot_serve_is_refused()
    {
        Assert.Equal(new BlobPath("edi-inbox", "name"), BlobPath.Parse("edi-inbox/{name}"));
        Assert.Throws<InvalidOperationException>(() => BlobPath.Parse("edi-inbox/{partner}/{name}"));
        Assert.Throws<InvalidOperationException>(() => BlobPath.Parse("edi-inbox/fixed.x12"));
    }

    /// <summary>Functions as someone might write them; never run.</summary>
    private static class Samples
    {
        public static void TakesFunctionContext([QueueTrigger("q")] string message, FunctionContext context) => throw new NotSupportedException();

        public static void TakesAService([TimerTrigger("* * * * * *")] TimerInfo timer, TimeProvider clock) => throw new NotSupportedException();

        public static void NamesAnUnknownRouteValue([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orders")] HttpRequest request, string orderId) => throw new NotSupportedException();

        public static void HasNoTrigger(string message) => throw new NotSupportedException();

        public static void WantsTheMessageAsBytes([QueueTrigger("q")] byte[] message) => throw new NotSupportedException();
    }
}
